def fit_regression(seed=0):
    torch.manual_seed(seed)
    X, y = make_regression_data(seed)
    net = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 1))
    optimizer = torch.optim.SGD(net.parameters(), lr=0.2, momentum=0.9)
    loss_fn = nn.MSELoss()
    for _ in range(300):
        optimizer.zero_grad()
        loss_fn(net(X), y).backward()
        optimizer.step()
    with torch.no_grad():
        mse = loss_fn(net(X), y).item()
    return net, mse
