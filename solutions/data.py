"""Topic 9, data: datasets, reproducible loaders and torchvision transforms."""

import torch
from torch.utils.data import DataLoader, Dataset, TensorDataset


def make_loader(X, y, batch_size, shuffle, seed=0):
    """A DataLoader over TensorDataset(X, y) whose shuffled order depends on `seed` alone; keeps the last partial batch."""
    # BEGIN SOLUTION: return DataLoader(TensorDataset(X, y), batch_size, shuffle=shuffle, generator=a torch.Generator seeded with seed) -- never the global RNG
    generator = torch.Generator().manual_seed(seed)
    return DataLoader(TensorDataset(X, y), batch_size=batch_size, shuffle=shuffle, generator=generator)
    # END SOLUTION


class SquaresDataset(Dataset):
    """n items; item i is (tensor([float(i)]), tensor([float(i*i)])); negative indices count from the end."""

    def __init__(self, n):
        # BEGIN SOLUTION: remember n
        self.n = n
        # END SOLUTION

    def __len__(self):
        # BEGIN SOLUTION: return n
        return self.n
        # END SOLUTION

    def __getitem__(self, i):
        # BEGIN SOLUTION: raise IndexError unless -n <= i < n; map a negative i to i + n; return (tensor([float(i)]), tensor([float(i * i)]))
        if not -self.n <= i < self.n:
            raise IndexError(f"index {i} is out of range for a dataset of {self.n} items")
        if i < 0:
            i += self.n
        return torch.tensor([float(i)]), torch.tensor([float(i * i)])
        # END SOLUTION


def mnist_transform():
    """28x28 grayscale PIL image -> float32 tensor of shape (784,) with values (pixel/255 - 0.5) / 0.5."""
    from torchvision import transforms

    # BEGIN SOLUTION: transforms.Compose of ToTensor(), Normalize((0.5,), (0.5,)) and a flatten to shape (784,)
    return transforms.Compose([
        transforms.ToTensor(),
        transforms.Normalize((0.5,), (0.5,)),
        transforms.Lambda(torch.flatten),
    ])
    # END SOLUTION


def fake_mnist(n, seed=0):
    """torchvision's FakeData: n 1x28x28 images in 10 classes through mnist_transform(); `seed` picks the images."""
    from torchvision import datasets

    # BEGIN SOLUTION: datasets.FakeData(size=n, image_size=(1, 28, 28), num_classes=10, transform=mnist_transform(), random_offset=seed)
    return datasets.FakeData(size=n, image_size=(1, 28, 28), num_classes=10,
                             transform=mnist_transform(), random_offset=seed)
    # END SOLUTION
