# Generated from solutions/blocks.py by `make stubs`: replace each NotImplementedError with your code.
"""Topic 1, blocks: building networks out of layers and blocks with nn.Module."""

from collections import OrderedDict

import torch
from torch import nn
from torch.nn import functional as F


class MLP(nn.Module):
    """hidden = Linear(20, 256), out = Linear(256, 10); forward(X) = out(relu(hidden(X)))."""

    def __init__(self):
        super().__init__()
        raise NotImplementedError('create self.hidden = nn.Linear(20, 256) and self.out = nn.Linear(256, 10)')

    def forward(self, X):
        raise NotImplementedError('return out(relu(hidden(X)))')


class MySequential(nn.Module):
    """nn.Sequential by hand: modules registered under "0", "1", ... and applied in order."""

    def __init__(self, *modules):
        super().__init__()
        raise NotImplementedError('register each module with self.add_module(str(index), module)')

    def forward(self, X):
        raise NotImplementedError('pass X through every registered module in order (no modules: return X)')

    def __len__(self):
        raise NotImplementedError('return the number of registered modules')

    def __getitem__(self, index):
        raise NotImplementedError('return the module at this integer index (negative counts from the end)')


class FixedHiddenMLP(nn.Module):
    """A layer used twice around a fixed random (20, 20) matrix kept as a buffer."""

    def __init__(self):
        super().__init__()
        raise NotImplementedError('create self.linear = nn.Linear(20, 20) and register rand_weight = torch.rand(20, 20) as a buffer')

    def forward(self, X):
        raise NotImplementedError('linear, relu(X @ rand_weight + 1), the same linear again, halve while |X|.sum() > 1, return X.sum()')


class NestMLP(nn.Module):
    """A Sequential inside a Module: linear(net(X))."""

    def __init__(self):
        super().__init__()
        raise NotImplementedError('net = Sequential(Linear(20, 64), ReLU(), Linear(64, 32), ReLU()); linear = Linear(32, 16)')

    def forward(self, X):
        raise NotImplementedError('return linear(net(X))')


def chimera() -> nn.Module:
    """nn.Sequential(NestMLP(), nn.Linear(16, 20), FixedHiddenMLP())."""
    raise NotImplementedError('return nn.Sequential(NestMLP(), nn.Linear(16, 20), FixedHiddenMLP())')


class Parallel(nn.Module):
    """Two networks side by side: their outputs concatenated along dimension 1."""

    def __init__(self, net1, net2):
        super().__init__()
        raise NotImplementedError('keep net1 and net2 as attributes so that they are registered')

    def forward(self, X):
        raise NotImplementedError('return torch.cat((net1(X), net2(X)), dim=1)')


class ModuleNet(nn.Module):
    """layer1 = Linear(num_input, num_hidden), layer2 = Tanh(), layer3 = Linear(num_hidden, num_output)."""

    def __init__(self, num_input, num_hidden, num_output):
        super().__init__()
        raise NotImplementedError('create layer1, layer2 and layer3')

    def forward(self, X):
        raise NotImplementedError('apply layer1, layer2 and layer3 in order')


def named_conv_block() -> nn.Sequential:
    """nn.Sequential from an OrderedDict: conv1 = Conv2d(3, 32, 3, 1, 1), relu1 = ReLU(), pool = MaxPool2d(2)."""
    raise NotImplementedError('build nn.Sequential(OrderedDict([("conv1", ...), ("relu1", ...), ("pool", ...)]))')


class LeNet(nn.Module):
    """LeNet-5 for (N, 1, 32, 32) inputs and 10 classes."""

    def __init__(self):
        super().__init__()
        raise NotImplementedError('create conv1 = Conv2d(1, 6, 5), conv2 = Conv2d(6, 16, 5), fc1 = Linear(400, 120), fc2 = Linear(120, 84), fc3 = Linear(84, 10)')

    def forward(self, X):
        raise NotImplementedError('conv1, relu, max_pool 2; conv2, relu, max_pool 2; flatten per sample; fc1, relu, fc2, relu, fc3')
