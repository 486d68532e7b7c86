def tied_pairs(net):
    last_name, pairs = {}, []
    for name, p in net.named_parameters(remove_duplicate=False):
        if id(p) in last_name:
            pairs.append((last_name[id(p)], name))
        last_name[id(p)] = name
    return pairs
