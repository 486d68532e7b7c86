def predict(net, X):
    was_training = net.training
    net.eval()
    try:
        return net(X)
    finally:
        net.train(was_training)
