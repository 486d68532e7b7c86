# Every exercise's body does nothing: __init__ passes, each function returns its first argument (or None).
"""Topic 1, blocks: building networks out of layers and blocks with nn.Module."""

from collections import OrderedDict

import torch
from torch import nn
from torch.nn import functional as F


class MLP(nn.Module):
    """Two layers, hidden (20 features to 256) and out (256 to 10); forward: out of the ReLU of hidden of X."""

    def __init__(self):
        super().__init__()
        # - the parameter names are hidden.weight, hidden.bias, out.weight and out.bias
        pass  # does nothing

    def forward(self, X):
        return X  # does nothing


class MySequential(nn.Module):
    """nn.Sequential by hand: modules registered under "0", "1", ... and applied in order."""

    def __init__(self, *modules):
        super().__init__()
        # - state_dict() keys, parameter count and outputs equal those of nn.Sequential built from the same modules
        pass  # does nothing

    def forward(self, X):
        return X  # does nothing

    def __len__(self):
        return None  # does nothing

    def __getitem__(self, index):
        return index  # does nothing


class FixedHiddenMLP(nn.Module):
    """A layer used twice around a fixed random (20, 20) matrix that is never trained."""

    def __init__(self):
        super().__init__()
        # - rand_weight is not a parameter (it is never trained), yet it moves with the module: net.to(device) and net.double() carry it along
        pass  # does nothing

    def forward(self, X):
        # - both uses of linear are one module with one set of parameters
        return X  # does nothing


class NestMLP(nn.Module):
    """A Sequential inside a Module: net, then linear on its output."""

    def __init__(self):
        super().__init__()
        pass  # does nothing

    def forward(self, X):
        return X  # does nothing


def chimera() -> nn.Module:
    """A Sequential of a NestMLP, a linear layer from 16 features to 20, and a FixedHiddenMLP."""
    return None  # does nothing


class Parallel(nn.Module):
    """Two networks side by side: their outputs concatenated along dimension 1."""

    def __init__(self, net1, net2):
        super().__init__()
        # - their parameters appear in named_parameters() under net1. and net2.
        pass  # does nothing

    def forward(self, X):
        return X  # does nothing


class ModuleNet(nn.Module):
    """layer1, linear from num_input features to num_hidden; layer2, tanh; layer3, linear to num_output."""

    def __init__(self, num_input, num_hidden, num_output):
        super().__init__()
        pass  # does nothing

    def forward(self, X):
        return X  # does nothing


def named_conv_block() -> nn.Sequential:
    """A Sequential with named layers: conv1 (3x3 convolution, 3 channels to 32, stride 1, padding 1), relu1, pool."""
    # - the layers are known by these names, not by numbers: the parameters are conv1.weight and conv1.bias
    return None  # does nothing


class LeNet(nn.Module):
    """LeNet-5 for (N, 1, 32, 32) inputs and 10 classes."""

    def __init__(self):
        super().__init__()
        pass  # does nothing

    def forward(self, X):
        # - a batch of one image works too: flatten each sample, never the batch dimension
        return X  # does nothing
