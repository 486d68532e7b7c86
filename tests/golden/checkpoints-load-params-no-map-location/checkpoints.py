def load_params(net, path):
    net.load_state_dict(torch.load(path, weights_only=True))
    net.eval()
    return net
