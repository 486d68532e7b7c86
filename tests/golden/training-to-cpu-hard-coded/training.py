def train(net, loader, loss_fn, optimizer, epochs):
    net.train()
    epoch_losses = []
    for _ in range(epochs):
        total, batches = 0.0, 0
        for X, y in loader:
            X, y = X.to("cpu"), y.to("cpu")
            optimizer.zero_grad()
            loss = loss_fn(net(X), y)
            loss.backward()
            optimizer.step()
            total += loss.item()
            batches += 1
        epoch_losses.append(total / batches)
    return epoch_losses
