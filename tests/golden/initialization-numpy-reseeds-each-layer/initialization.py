def init_from_numpy(net, std=0.5, seed=0):
    with torch.no_grad():
        for m in net.modules():
            if isinstance(m, nn.Linear):
                rng = np.random.default_rng(seed)
                m.weight.copy_(torch.from_numpy(rng.normal(0, std, size=tuple(m.weight.shape))))
