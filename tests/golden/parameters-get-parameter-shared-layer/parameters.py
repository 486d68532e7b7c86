def get_parameter(net, path):
    parameters = dict(net.named_parameters())
    if path not in parameters:
        raise KeyError(f"no parameter named {path!r}")
    return parameters[path]
