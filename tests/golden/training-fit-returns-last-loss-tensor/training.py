def fit_regression(seed=0):
    torch.manual_seed(seed)
    X, y = make_regression_data(seed)
    net = nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 1))
    optimizer = torch.optim.SGD(net.parameters(), lr=0.2, momentum=0.9)
    loss_fn = nn.MSELoss()
    for _ in range(300):
        optimizer.zero_grad()
        loss = loss_fn(net(X), y)
        loss.backward()
        optimizer.step()
    return net, loss
