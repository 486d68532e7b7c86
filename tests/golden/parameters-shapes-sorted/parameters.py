def param_shapes(net):
    return sorted((name, p.shape) for name, p in net.named_parameters())
