def evaluate(net, loader):
    device = next(net.parameters()).device
    was_training = net.training
    net.eval()
    correct, total = 0, 0
    for X, y in loader:
        X, y = X.to(device), y.to(device)
        correct += (net(X).argmax(dim=1) == y).sum().item()
        total += y.numel()
    net.train(was_training)
    return correct / total
