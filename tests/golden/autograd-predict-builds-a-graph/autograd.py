def predict(net, X):
    was_training = net.training
    net.eval()
    out = net(X)
    net.train(was_training)
    return out
