def save_params(net, path):
    torch.save(net, path)
