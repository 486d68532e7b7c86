# Generated from solutions/data.py by `make stubs`: replace each NotImplementedError with your code.
"""Topic 9, data: datasets, reproducible loaders and torchvision transforms."""

import torch
from torch.utils.data import DataLoader, Dataset, TensorDataset


def make_loader(X, y, batch_size, shuffle, seed=0):
    """A DataLoader over TensorDataset(X, y) whose shuffled order depends on `seed` alone; keeps the last partial batch."""
    raise NotImplementedError('return DataLoader(TensorDataset(X, y), batch_size, shuffle=shuffle, generator=a torch.Generator seeded with seed) -- never the global RNG')


class SquaresDataset(Dataset):
    """n items; item i is (tensor([float(i)]), tensor([float(i*i)])); negative indices count from the end."""

    def __init__(self, n):
        raise NotImplementedError('remember n')

    def __len__(self):
        raise NotImplementedError('return n')

    def __getitem__(self, i):
        raise NotImplementedError('raise IndexError unless -n <= i < n; map a negative i to i + n; return (tensor([float(i)]), tensor([float(i * i)]))')


def mnist_transform():
    """28x28 grayscale PIL image -> float32 tensor of shape (784,) with values (pixel/255 - 0.5) / 0.5."""
    from torchvision import transforms

    raise NotImplementedError('transforms.Compose of ToTensor(), Normalize((0.5,), (0.5,)) and a flatten to shape (784,)')


def fake_mnist(n, seed=0):
    """torchvision's FakeData: n 1x28x28 images in 10 classes through mnist_transform(); `seed` picks the images."""
    from torchvision import datasets

    raise NotImplementedError('datasets.FakeData(size=n, image_size=(1, 28, 28), num_classes=10, transform=mnist_transform(), random_offset=seed)')
