def train(net, loader, loss_fn, optimizer, epochs):
    device = next(iter(net.parameters())).device
    net.train(True)
    history = []
    for epoch in range(epochs):
        losses = []
        for batch in loader:
            X, y = to_device(batch, device)
            loss = loss_fn(net(X), y)
            loss.backward()
            optimizer.step()
            optimizer.zero_grad(set_to_none=False)
            losses.append(float(loss))
        history.append(sum(losses) / len(losses))
    return history


def evaluate(net, loader):
    device = next(iter(net.parameters())).device
    saved_modes = {module: module.training for module in net.modules()}
    net.eval()
    hits = torch.zeros((), dtype=torch.long)
    count = 0
    with torch.inference_mode():
        for X, y in loader:
            predictions = net(X.to(device)).argmax(-1).cpu()
            hits += (predictions == y).sum()
            count += len(y)
    for module, mode in saved_modes.items():
        module.training = mode
    return hits.item() / count


def try_gpu(i=0):
    return torch.device("cuda", i) if torch.cuda.is_available() and i < torch.cuda.device_count() else torch.device("cpu")


def try_all_gpus():
    return [try_gpu(i) for i in range(torch.cuda.device_count())] or [try_gpu(torch.cuda.device_count())]


def to_device(obj, device):
    if torch.is_tensor(obj):
        return obj.to(device=device)
    if type(obj) is dict:
        return dict((key, to_device(value, device)) for key, value in obj.items())
    if type(obj) in (list, tuple):
        return type(obj)(to_device(value, device) for value in obj)
    return obj


def fit_regression(seed=0):
    torch.manual_seed(seed)
    X, y = make_regression_data(seed)
    net = nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 1))
    optimizer = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
    for _ in range(500):
        loss = ((net(X) - y) ** 2).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return net, float(((net(X) - y) ** 2).mean())
