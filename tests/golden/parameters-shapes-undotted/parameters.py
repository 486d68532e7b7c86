def param_shapes(net):
    return [(name, p.shape) for module in net.modules() for name, p in module.named_parameters(recurse=False)]
