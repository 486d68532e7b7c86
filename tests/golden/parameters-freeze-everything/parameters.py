def freeze(net, prefixes):
    for p in net.parameters():
        p.requires_grad = False
