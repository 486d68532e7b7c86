def load_params(net, path):
    net.load_state_dict(torch.load(path, map_location="cpu", weights_only=True))
    return net
