"""Topic 1, blocks: building networks out of layers and blocks with nn.Module."""

from collections import OrderedDict

import torch
from torch import nn
from torch.nn import functional as F


class MLP(nn.Module):
    """hidden = Linear(20, 256), out = Linear(256, 10); forward(X) = out(relu(hidden(X)))."""

    def __init__(self):
        super().__init__()
        # BEGIN SOLUTION: create self.hidden = nn.Linear(20, 256) and self.out = nn.Linear(256, 10)
        self.hidden = nn.Linear(20, 256)
        self.out = nn.Linear(256, 10)
        # END SOLUTION

    def forward(self, X):
        # BEGIN SOLUTION: return out(relu(hidden(X)))
        return self.out(F.relu(self.hidden(X)))
        # END SOLUTION


class MySequential(nn.Module):
    """nn.Sequential by hand: modules registered under "0", "1", ... and applied in order."""

    def __init__(self, *modules):
        super().__init__()
        # BEGIN SOLUTION: register each module with self.add_module(str(index), module)
        for index, module in enumerate(modules):
            self.add_module(str(index), module)
        # END SOLUTION

    def forward(self, X):
        # BEGIN SOLUTION: pass X through every registered module in order (no modules: return X)
        for module in self._modules.values():
            X = module(X)
        return X
        # END SOLUTION

    def __len__(self):
        # BEGIN SOLUTION: return the number of registered modules
        return len(self._modules)
        # END SOLUTION

    def __getitem__(self, index):
        # BEGIN SOLUTION: return the module at this integer index (negative counts from the end)
        modules = list(self._modules.values())
        return modules[index]
        # END SOLUTION


class FixedHiddenMLP(nn.Module):
    """A layer used twice around a fixed random (20, 20) matrix kept as a buffer."""

    def __init__(self):
        super().__init__()
        # BEGIN SOLUTION: create self.linear = nn.Linear(20, 20) and register rand_weight = torch.rand(20, 20) as a buffer
        self.linear = nn.Linear(20, 20)
        self.register_buffer("rand_weight", torch.rand(20, 20))
        # END SOLUTION

    def forward(self, X):
        # BEGIN SOLUTION: linear, relu(X @ rand_weight + 1), the same linear again, halve while |X|.sum() > 1, return X.sum()
        X = self.linear(X)
        X = F.relu(X @ self.rand_weight + 1)
        X = self.linear(X)
        while X.abs().sum() > 1:
            X /= 2
        return X.sum()
        # END SOLUTION


class NestMLP(nn.Module):
    """A Sequential inside a Module: linear(net(X))."""

    def __init__(self):
        super().__init__()
        # BEGIN SOLUTION: net = Sequential(Linear(20, 64), ReLU(), Linear(64, 32), ReLU()); linear = Linear(32, 16)
        self.net = nn.Sequential(nn.Linear(20, 64), nn.ReLU(), nn.Linear(64, 32), nn.ReLU())
        self.linear = nn.Linear(32, 16)
        # END SOLUTION

    def forward(self, X):
        # BEGIN SOLUTION: return linear(net(X))
        return self.linear(self.net(X))
        # END SOLUTION


def chimera() -> nn.Module:
    """nn.Sequential(NestMLP(), nn.Linear(16, 20), FixedHiddenMLP())."""
    # BEGIN SOLUTION: return nn.Sequential(NestMLP(), nn.Linear(16, 20), FixedHiddenMLP())
    return nn.Sequential(NestMLP(), nn.Linear(16, 20), FixedHiddenMLP())
    # END SOLUTION


class Parallel(nn.Module):
    """Two networks side by side: their outputs concatenated along dimension 1."""

    def __init__(self, net1, net2):
        super().__init__()
        # BEGIN SOLUTION: keep net1 and net2 as attributes so that they are registered
        self.net1 = net1
        self.net2 = net2
        # END SOLUTION

    def forward(self, X):
        # BEGIN SOLUTION: return torch.cat((net1(X), net2(X)), dim=1)
        return torch.cat((self.net1(X), self.net2(X)), dim=1)
        # END SOLUTION


class ModuleNet(nn.Module):
    """layer1 = Linear(num_input, num_hidden), layer2 = Tanh(), layer3 = Linear(num_hidden, num_output)."""

    def __init__(self, num_input, num_hidden, num_output):
        super().__init__()
        # BEGIN SOLUTION: create layer1, layer2 and layer3
        self.layer1 = nn.Linear(num_input, num_hidden)
        self.layer2 = nn.Tanh()
        self.layer3 = nn.Linear(num_hidden, num_output)
        # END SOLUTION

    def forward(self, X):
        # BEGIN SOLUTION: apply layer1, layer2 and layer3 in order
        return self.layer3(self.layer2(self.layer1(X)))
        # END SOLUTION


def named_conv_block() -> nn.Sequential:
    """nn.Sequential from an OrderedDict: conv1 = Conv2d(3, 32, 3, 1, 1), relu1 = ReLU(), pool = MaxPool2d(2)."""
    # BEGIN SOLUTION: build nn.Sequential(OrderedDict([("conv1", ...), ("relu1", ...), ("pool", ...)]))
    return nn.Sequential(OrderedDict([
        ("conv1", nn.Conv2d(3, 32, 3, 1, 1)),
        ("relu1", nn.ReLU()),
        ("pool", nn.MaxPool2d(2)),
    ]))
    # END SOLUTION


class LeNet(nn.Module):
    """LeNet-5 for (N, 1, 32, 32) inputs and 10 classes."""

    def __init__(self):
        super().__init__()
        # BEGIN SOLUTION: create conv1 = Conv2d(1, 6, 5), conv2 = Conv2d(6, 16, 5), fc1 = Linear(400, 120), fc2 = Linear(120, 84), fc3 = Linear(84, 10)
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)
        # END SOLUTION

    def forward(self, X):
        # BEGIN SOLUTION: conv1, relu, max_pool 2; conv2, relu, max_pool 2; flatten per sample; fc1, relu, fc2, relu, fc3
        X = F.max_pool2d(F.relu(self.conv1(X)), 2)
        X = F.max_pool2d(F.relu(self.conv2(X)), 2)
        X = torch.flatten(X, 1)
        X = F.relu(self.fc1(X))
        X = F.relu(self.fc2(X))
        return self.fc3(X)
        # END SOLUTION
