def linear_layers(net):
    found = [net] if isinstance(net, nn.Linear) else []
    for child in net._modules.values():
        found += linear_layers(child)
    return found
