def record_activations(net, X):
    activations = {}
    for name, module in net.named_modules():
        if len(list(module.children())) == 0:
            module.register_forward_hook(lambda m, i, o, name=name: activations.__setitem__(name, o))
    net(X)
    return activations
