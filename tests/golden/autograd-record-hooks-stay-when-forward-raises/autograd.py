def record_activations(net, X):
    activations, handles = {}, []
    for name, module in net.named_modules():
        if len(list(module.children())) == 0:
            handles.append(module.register_forward_hook(lambda m, i, o, name=name: activations.__setitem__(name, o)))
    net(X)
    for handle in handles:
        handle.remove()
    return activations
