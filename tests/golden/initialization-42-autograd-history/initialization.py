def init_42(m):
    if isinstance(m, nn.Linear):
        m._parameters["weight"] = m.weight * 0 + 42
