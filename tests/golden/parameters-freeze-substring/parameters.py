def freeze(net, prefixes):
    if isinstance(prefixes, str):
        prefixes = [prefixes]
    for name, p in net.named_parameters():
        if any(prefix in name for prefix in prefixes):
            p.requires_grad = False
