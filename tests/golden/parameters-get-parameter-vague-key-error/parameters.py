def get_parameter(net, path):
    parameters = dict(net.named_parameters(remove_duplicate=False))
    if path not in parameters:
        raise KeyError("no such parameter")
    return parameters[path]
