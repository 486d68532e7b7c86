import operator

from torch.utils.data import Sampler


class SeededPermutation(Sampler):
    """A new permutation drawn from a generator seeded once, at construction."""

    def __init__(self, n, seed):
        self.n = n
        self.generator = torch.Generator()
        self.generator.manual_seed(seed)

    def __iter__(self):
        return iter(torch.randperm(self.n, generator=self.generator).tolist())

    def __len__(self):
        return self.n


def make_loader(X, y, batch_size, shuffle, seed=0):
    dataset = TensorDataset(X, y)
    sampler = SeededPermutation(len(dataset), seed) if shuffle else None
    return DataLoader(dataset, batch_size, sampler=sampler)


class SquaresDataset(Dataset):
    def __init__(self, n):
        self.items = [(torch.tensor([float(i)]), torch.tensor([float(i) ** 2])) for i in range(n)]

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[operator.index(i)]


def mnist_transform():
    from torchvision import transforms

    return transforms.Compose([
        transforms.PILToTensor(),
        transforms.Lambda(lambda x: (x.float().view(-1) / 255 - 0.5) / 0.5),
    ])


def fake_mnist(n, seed=0):
    from torchvision.datasets import FakeData

    return FakeData(n, (1, 28, 28), 10, transform=mnist_transform(), random_offset=seed * n)
