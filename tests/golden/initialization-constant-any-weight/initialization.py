def init_constant(m):
    if hasattr(m, "weight"):
        nn.init.constant_(m.weight, 1)
        nn.init.zeros_(m.bias)
