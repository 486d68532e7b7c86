def load_model(path):
    return torch.load(path)
