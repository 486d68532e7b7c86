def numpy_copy(a):
    return torch.tensor(a, dtype=torch.float32)
