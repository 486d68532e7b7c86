def tied_pairs(net):
    first_name, pairs = {}, []
    for name, p in net.named_parameters():
        if id(p) in first_name:
            pairs.append((first_name[id(p)], name))
        else:
            first_name[id(p)] = name
    return pairs
