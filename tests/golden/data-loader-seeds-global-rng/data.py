def make_loader(X, y, batch_size, shuffle, seed=0):
    torch.manual_seed(seed)
    return DataLoader(TensorDataset(X, y), batch_size=batch_size, shuffle=shuffle)
