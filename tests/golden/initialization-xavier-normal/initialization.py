def xavier(m):
    if type(m) == nn.Linear:
        nn.init.xavier_normal_(m.weight)
