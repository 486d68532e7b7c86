# Generated from solutions/blocks.py by `make stubs`: replace each NotImplementedError with your code.
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
        raise NotImplementedError('create the two layers as attributes: hidden maps 20 features to 256, out maps 256 features to 10')

    def forward(self, X):
        raise NotImplementedError('return the output layer applied to the ReLU of the hidden layer applied to X')


class MySequential(nn.Module):
    """nn.Sequential by hand: modules registered under "0", "1", ... and applied in order."""

    def __init__(self, *modules):
        super().__init__()
        # - state_dict() keys, parameter count and outputs equal those of nn.Sequential built from the same modules
        raise NotImplementedError('register every module given, in order, under the names "0", "1", "2", ...')

    def forward(self, X):
        raise NotImplementedError('pass X through every registered module in order and return the result (no modules: X itself)')

    def __len__(self):
        raise NotImplementedError('return how many modules are registered')

    def __getitem__(self, index):
        raise NotImplementedError('return the module at this integer index; a negative index counts from the end, as in a list')


class FixedHiddenMLP(nn.Module):
    """A layer used twice around a fixed random (20, 20) matrix that is never trained."""

    def __init__(self):
        super().__init__()
        # - rand_weight is not a parameter (it is never trained), yet it moves with the module: net.to(device) and net.double() carry it along
        raise NotImplementedError('create linear, a layer from 20 features to 20, and rand_weight, a fixed (20, 20) tensor of uniform random values in [0, 1)')

    def forward(self, X):
        # - both uses of linear are one module with one set of parameters
        raise NotImplementedError('apply linear; then the ReLU of the matrix product of X and rand_weight, plus 1; then the same linear again; halve X while the sum of its absolute values exceeds 1; return the sum of X')


class NestMLP(nn.Module):
    """A Sequential inside a Module: net, then linear on its output."""

    def __init__(self):
        super().__init__()
        raise NotImplementedError('create net, a Sequential of: a linear layer from 20 features to 64, ReLU, a linear layer from 64 to 32, ReLU; and linear, a layer from 32 features to 16')

    def forward(self, X):
        raise NotImplementedError('return linear applied to the output of net')


def chimera() -> nn.Module:
    """A Sequential of a NestMLP, a linear layer from 16 features to 20, and a FixedHiddenMLP."""
    raise NotImplementedError('return a Sequential of three parts, in order: a NestMLP, a linear layer from 16 features to 20, a FixedHiddenMLP')


class Parallel(nn.Module):
    """Two networks side by side: their outputs concatenated along dimension 1."""

    def __init__(self, net1, net2):
        super().__init__()
        # - their parameters appear in named_parameters() under net1. and net2.
        raise NotImplementedError('keep net1 and net2 so that they are registered as submodules of this module')

    def forward(self, X):
        raise NotImplementedError('return the outputs of net1 and net2 on X, joined side by side along dimension 1')


class ModuleNet(nn.Module):
    """layer1, linear from num_input features to num_hidden; layer2, tanh; layer3, linear to num_output."""

    def __init__(self, num_input, num_hidden, num_output):
        super().__init__()
        raise NotImplementedError('create layer1 (a linear layer from num_input features to num_hidden), layer2 (tanh) and layer3 (a linear layer from num_hidden features to num_output)')

    def forward(self, X):
        raise NotImplementedError('apply layer1, layer2 and layer3 to X, in that order')


def named_conv_block() -> nn.Sequential:
    """A Sequential with named layers: conv1 (3x3 convolution, 3 channels to 32, stride 1, padding 1), relu1, pool."""
    # - the layers are known by these names, not by numbers: the parameters are conv1.weight and conv1.bias
    raise NotImplementedError('return a Sequential whose layers are named "conv1" (a 3x3 convolution from 3 channels to 32, stride 1, padding 1), "relu1" (ReLU) and "pool" (2x2 max pooling)')


class LeNet(nn.Module):
    """LeNet-5 for (N, 1, 32, 32) inputs and 10 classes."""

    def __init__(self):
        super().__init__()
        raise NotImplementedError('create conv1 (1 channel to 6, 5x5 kernels), conv2 (6 channels to 16, 5x5 kernels), fc1 (16*5*5 = 400 features to 120), fc2 (120 to 84) and fc3 (84 to 10)')

    def forward(self, X):
        # - a batch of one image works too: flatten each sample, never the batch dimension
        raise NotImplementedError('conv1, ReLU, 2x2 max pooling; conv2, ReLU, 2x2 max pooling; flatten each sample; fc1, ReLU, fc2, ReLU, fc3')
