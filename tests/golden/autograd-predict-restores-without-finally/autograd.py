def predict(net, X):
    was_training = net.training
    net.eval()
    with torch.no_grad():
        out = net(X)
    net.train(was_training)
    return out
