def init_normal(m):
    if isinstance(m, nn.Linear):
        bound = 0.01 * 3 ** 0.5  # U(-b, b) has standard deviation b / sqrt(3)
        nn.init.uniform_(m.weight, -bound, bound)
        nn.init.zeros_(m.bias)
