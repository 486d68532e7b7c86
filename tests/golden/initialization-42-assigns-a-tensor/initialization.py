def init_42(m):
    if isinstance(m, nn.Linear):
        m.weight = m.weight * 0 + 42
