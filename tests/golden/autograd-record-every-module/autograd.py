def record_activations(net, X):
    activations, handles = {}, []
    for name, module in net.named_modules():
        handles.append(module.register_forward_hook(lambda m, i, o, name=name: activations.__setitem__(name, o)))
    try:
        net(X)
    finally:
        for handle in handles:
            handle.remove()
    return activations
