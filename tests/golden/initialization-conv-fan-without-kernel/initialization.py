def conv_init(m):
    if isinstance(m, nn.Conv2d):
        bound = (6 / (m.in_channels + m.out_channels)) ** 0.5
        nn.init.uniform_(m.weight, -bound, bound)
        nn.init.constant_(m.bias, 0.1)
