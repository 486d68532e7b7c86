def block2():
    return nn.Sequential(*[block1() for _ in range(4)])
