def make_loader(X, y, batch_size, shuffle, seed=0):
    return DataLoader(TensorDataset(X, y), batch_size=batch_size, shuffle=shuffle)
