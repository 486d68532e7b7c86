def predict(net, X):
    with torch.no_grad():
        return net(X)
