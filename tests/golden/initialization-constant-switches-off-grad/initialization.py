def init_constant(m):
    if isinstance(m, nn.Linear):
        m.weight.requires_grad_(False)
        m.bias.requires_grad_(False)
        m.weight.fill_(1)
        m.bias.zero_()
