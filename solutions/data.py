"""Topic 9, data: datasets, reproducible loaders and torchvision transforms."""

import torch
from torch.utils.data import DataLoader, Dataset, TensorDataset


def make_loader(X, y, batch_size, shuffle, seed=0):
    """A DataLoader over TensorDataset(X, y) whose shuffled order depends on `seed` alone; keeps the last partial batch."""
    # BEGIN SOLUTION: return a DataLoader over the pairs (X[i], y[i]) in batches of batch_size, shuffled when shuffle is true
    # - the shuffled order depends on seed alone: the same seed gives the same batches every time, whatever the global random state
    # - the last, smaller batch is kept
    generator = torch.Generator().manual_seed(seed)
    return DataLoader(TensorDataset(X, y), batch_size=batch_size, shuffle=shuffle, generator=generator)
    # END SOLUTION


class SquaresDataset(Dataset):
    """n items; item i is a pair of one-element float tensors, i and i squared; negative indices count from the end."""

    def __init__(self, n):
        # BEGIN SOLUTION: keep n, the number of items
        self.n = n
        # END SOLUTION

    def __len__(self):
        # BEGIN SOLUTION: return the number of items
        return self.n
        # END SOLUTION

    def __getitem__(self, i):
        # BEGIN SOLUTION: return item i: a pair of one-element float tensors holding i and i squared
        # - a negative i counts from the end, as in a list
        # - an i outside [-n, n) raises IndexError
        if not -self.n <= i < self.n:
            raise IndexError(f"index {i} is out of range for a dataset of {self.n} items")
        if i < 0:
            i += self.n
        return torch.tensor([float(i)]), torch.tensor([float(i * i)])
        # END SOLUTION


def mnist_transform():
    """28x28 grayscale PIL image -> float32 tensor of shape (784,) with values (pixel/255 - 0.5) / 0.5."""
    from torchvision import transforms

    # BEGIN SOLUTION: return a torchvision transform from a 28x28 grayscale PIL image to a float32 tensor of shape (784,) with values (pixel / 255 - 0.5) / 0.5
    return transforms.Compose([
        transforms.ToTensor(),
        transforms.Normalize((0.5,), (0.5,)),
        transforms.Lambda(torch.flatten),
    ])
    # END SOLUTION


def fake_mnist(n, seed=0):
    """torchvision's FakeData: n 1x28x28 images in 10 classes through mnist_transform(); `seed` picks the images."""
    from torchvision import datasets

    # BEGIN SOLUTION: return torchvision's FakeData with n single-channel 28x28 images in 10 classes, each passed through mnist_transform()
    # - seed picks the images: the same seed gives the same images and labels, another seed others
    return datasets.FakeData(size=n, image_size=(1, 28, 28), num_classes=10,
                             transform=mnist_transform(), random_offset=seed)
    # END SOLUTION
