def init_42(m):
    if isinstance(m, nn.Linear):
        m.weight = nn.Parameter(torch.full_like(m.weight, 42.0))
