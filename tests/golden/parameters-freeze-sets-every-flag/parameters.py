def freeze(net, prefixes):
    prefixes = [prefixes] if isinstance(prefixes, str) else list(prefixes)
    for name, p in net.named_parameters():
        p.requires_grad = not any(name.startswith(prefix) for prefix in prefixes)
