def init_normal(m):
    if type(m) == nn.Linear:
        nn.init.normal_(m.weight, mean=0, std=0.01 ** 0.5)
        nn.init.zeros_(m.bias)
