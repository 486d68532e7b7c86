def param_shapes(net):
    return [(name, value.shape) for name, value in net.state_dict().items()]
