def train(net, loader, loss_fn, optimizer, epochs):
    device = next(net.parameters()).device
    net.train()
    epoch_losses = []
    for _ in range(epochs):
        for X, y in loader:
            X, y = X.to(device), y.to(device)
            optimizer.zero_grad()
            loss = loss_fn(net(X), y)
            loss.backward()
            optimizer.step()
        epoch_losses.append(loss.item())
    return epoch_losses
