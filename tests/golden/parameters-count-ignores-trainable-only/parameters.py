def count_parameters(net, trainable_only=False):
    return sum(p.numel() for p in net.parameters())
