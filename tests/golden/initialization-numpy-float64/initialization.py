def init_from_numpy(net, std=0.5, seed=0):
    rng = np.random.default_rng(seed)
    for m in net.modules():
        if isinstance(m, nn.Linear):
            m.weight.data = torch.from_numpy(rng.normal(0, std, size=tuple(m.weight.shape)))
