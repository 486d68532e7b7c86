def xavier(m):
    if isinstance(m, nn.Linear):
        bound = (6 / m.in_features) ** 0.5
        nn.init.uniform_(m.weight, -bound, bound)
