# Every exercise's body does nothing: __init__ passes, each function returns its first argument (or None).
"""Topic 9, data: datasets, reproducible loaders and torchvision transforms."""

import torch
from torch.utils.data import DataLoader, Dataset, TensorDataset


def make_loader(X, y, batch_size, shuffle, seed=0):
    """A DataLoader over TensorDataset(X, y) whose shuffled order depends on `seed` alone; keeps the last partial batch."""
    # - the shuffled order depends on seed alone: the same seed gives the same batches every time, whatever the global random state
    # - the last, smaller batch is kept
    return X  # does nothing


class SquaresDataset(Dataset):
    """n items; item i is a pair of one-element float tensors, i and i squared; negative indices count from the end."""

    def __init__(self, n):
        pass  # does nothing

    def __len__(self):
        return None  # does nothing

    def __getitem__(self, i):
        # - a negative i counts from the end, as in a list
        # - an i outside [-n, n) raises IndexError
        return i  # does nothing


def mnist_transform():
    """28x28 grayscale PIL image -> float32 tensor of shape (784,) with values (pixel/255 - 0.5) / 0.5."""
    from torchvision import transforms

    return None  # does nothing


def fake_mnist(n, seed=0):
    """torchvision's FakeData: n 1x28x28 images in 10 classes through mnist_transform(); `seed` picks the images."""
    from torchvision import datasets

    # - seed picks the images: the same seed gives the same images and labels, another seed others
    return n  # does nothing
