def tied_pairs(net):
    seen, pairs = [], []
    for name, p in net.named_parameters(remove_duplicate=False):
        earlier = [n for n, q in seen if q.shape == p.shape and torch.equal(q, p)]
        if earlier:
            pairs.append((earlier[0], name))
        else:
            seen.append((name, p))
    return pairs
