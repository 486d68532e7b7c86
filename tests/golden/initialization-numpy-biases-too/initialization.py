def init_from_numpy(net, std=0.5, seed=0):
    rng = np.random.default_rng(seed)
    with torch.no_grad():
        for m in net.modules():
            if isinstance(m, nn.Linear):
                for p in (m.weight, m.bias):
                    p.copy_(torch.from_numpy(rng.normal(0, std, size=tuple(p.shape))))
