def count_parameters(net, trainable_only=False):
    return sum(p.numel() for _, p in net.named_parameters(remove_duplicate=False) if p.requires_grad or not trainable_only)
