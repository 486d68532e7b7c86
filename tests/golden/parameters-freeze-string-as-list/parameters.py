def freeze(net, prefixes):
    for name, p in net.named_parameters():
        for prefix in prefixes:
            if name.startswith(prefix):
                p.requires_grad = False
