def predict(net, X):
    net.eval()
    with torch.no_grad():
        return net(X)
