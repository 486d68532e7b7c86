# Generated from solutions/data.py by `make stubs`: replace each NotImplementedError with your code.
"""Topic 9, data: datasets, reproducible loaders and torchvision transforms."""

import torch
from torch.utils.data import DataLoader, Dataset, TensorDataset


def make_loader(X, y, batch_size, shuffle, seed=0):
    """A DataLoader over TensorDataset(X, y) whose shuffled order depends on `seed` alone; keeps the last partial batch."""
    # - the shuffled order depends on seed alone: the same seed gives the same batches every time, whatever the global random state
    # - the last, smaller batch is kept
    raise NotImplementedError('return a DataLoader over the pairs (X[i], y[i]) in batches of batch_size, shuffled when shuffle is true')


class SquaresDataset(Dataset):
    """n items; item i is a pair of one-element float tensors, i and i squared; negative indices count from the end."""

    def __init__(self, n):
        raise NotImplementedError('keep n, the number of items')

    def __len__(self):
        raise NotImplementedError('return the number of items')

    def __getitem__(self, i):
        # - a negative i counts from the end, as in a list
        # - an i outside [-n, n) raises IndexError
        raise NotImplementedError('return item i: a pair of one-element float tensors holding i and i squared')


def mnist_transform():
    """28x28 grayscale PIL image -> float32 tensor of shape (784,) with values (pixel/255 - 0.5) / 0.5."""
    from torchvision import transforms

    raise NotImplementedError('return a torchvision transform from a 28x28 grayscale PIL image to a float32 tensor of shape (784,) with values (pixel / 255 - 0.5) / 0.5')


def fake_mnist(n, seed=0):
    """torchvision's FakeData: n 1x28x28 images in 10 classes through mnist_transform(); `seed` picks the images."""
    from torchvision import datasets

    # - seed picks the images: the same seed gives the same images and labels, another seed others
    raise NotImplementedError("return torchvision's FakeData with n single-channel 28x28 images in 10 classes, each passed through mnist_transform()")
