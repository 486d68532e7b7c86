def get_parameter(net, path):
    return net.get_parameter(path)
