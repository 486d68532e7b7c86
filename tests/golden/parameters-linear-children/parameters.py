def linear_layers(net):
    return [m for m in net.children() if isinstance(m, nn.Linear)]
