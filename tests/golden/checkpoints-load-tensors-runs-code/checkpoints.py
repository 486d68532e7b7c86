def load_tensors(path):
    return torch.load(path, weights_only=False)
