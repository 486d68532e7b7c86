def get_parameter(net, path):
    parameters = dict(net.named_parameters())
    if path not in parameters:
        raise KeyError(path)
    return parameters[path].clone()
