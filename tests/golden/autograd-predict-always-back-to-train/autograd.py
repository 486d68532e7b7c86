def predict(net, X):
    net.eval()
    with torch.no_grad():
        out = net(X)
    net.train()
    return out
