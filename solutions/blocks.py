"""Topic 1, blocks: building networks out of layers and blocks with nn.Module."""

from collections import OrderedDict

import torch
from torch import nn
from torch.nn import functional as F


class MLP(nn.Module):
    """Two layers, hidden (20 features to 256) and out (256 to 10); forward: out of the ReLU of hidden of X."""

    def __init__(self):
        super().__init__()
        # BEGIN SOLUTION: create the two layers as attributes: hidden maps 20 features to 256, out maps 256 features to 10
        # - the parameter names are hidden.weight, hidden.bias, out.weight and out.bias
        self.hidden = nn.Linear(20, 256)
        self.out = nn.Linear(256, 10)
        # END SOLUTION

    def forward(self, X):
        # BEGIN SOLUTION: return the output layer applied to the ReLU of the hidden layer applied to X
        return self.out(F.relu(self.hidden(X)))
        # END SOLUTION


class MySequential(nn.Module):
    """nn.Sequential by hand: modules registered under "0", "1", ... and applied in order."""

    def __init__(self, *modules):
        super().__init__()
        # BEGIN SOLUTION: register every module given, in order, under the names "0", "1", "2", ...
        # - state_dict() keys, parameter count and outputs equal those of nn.Sequential built from the same modules
        for index, module in enumerate(modules):
            self.add_module(str(index), module)
        # END SOLUTION

    def forward(self, X):
        # BEGIN SOLUTION: pass X through every registered module in order and return the result (no modules: X itself)
        for module in self._modules.values():
            X = module(X)
        return X
        # END SOLUTION

    def __len__(self):
        # BEGIN SOLUTION: return how many modules are registered
        return len(self._modules)
        # END SOLUTION

    def __getitem__(self, index):
        # BEGIN SOLUTION: return the module at this integer index; a negative index counts from the end, as in a list
        modules = list(self._modules.values())
        return modules[index]
        # END SOLUTION


class FixedHiddenMLP(nn.Module):
    """A layer used twice around a fixed random (20, 20) matrix that is never trained."""

    def __init__(self):
        super().__init__()
        # BEGIN SOLUTION: create linear, a layer from 20 features to 20, and rand_weight, a fixed (20, 20) tensor of uniform random values in [0, 1)
        # - rand_weight is not a parameter (it is never trained), yet it moves with the module: net.to(device) and net.double() carry it along
        self.linear = nn.Linear(20, 20)
        self.register_buffer("rand_weight", torch.rand(20, 20))
        # END SOLUTION

    def forward(self, X):
        # BEGIN SOLUTION: apply linear; then the ReLU of the matrix product of X and rand_weight, plus 1; then the same linear again; halve X while the sum of its absolute values exceeds 1; return the sum of X
        # - both uses of linear are one module with one set of parameters
        X = self.linear(X)
        X = F.relu(X @ self.rand_weight + 1)
        X = self.linear(X)
        while X.abs().sum() > 1:
            X /= 2
        return X.sum()
        # END SOLUTION


class NestMLP(nn.Module):
    """A Sequential inside a Module: net, then linear on its output."""

    def __init__(self):
        super().__init__()
        # BEGIN SOLUTION: create net, a Sequential of: a linear layer from 20 features to 64, ReLU, a linear layer from 64 to 32, ReLU; and linear, a layer from 32 features to 16
        self.net = nn.Sequential(nn.Linear(20, 64), nn.ReLU(), nn.Linear(64, 32), nn.ReLU())
        self.linear = nn.Linear(32, 16)
        # END SOLUTION

    def forward(self, X):
        # BEGIN SOLUTION: return linear applied to the output of net
        return self.linear(self.net(X))
        # END SOLUTION


def chimera() -> nn.Module:
    """A Sequential of a NestMLP, a linear layer from 16 features to 20, and a FixedHiddenMLP."""
    # BEGIN SOLUTION: return a Sequential of three parts, in order: a NestMLP, a linear layer from 16 features to 20, a FixedHiddenMLP
    return nn.Sequential(NestMLP(), nn.Linear(16, 20), FixedHiddenMLP())
    # END SOLUTION


class Parallel(nn.Module):
    """Two networks side by side: their outputs concatenated along dimension 1."""

    def __init__(self, net1, net2):
        super().__init__()
        # BEGIN SOLUTION: keep net1 and net2 so that they are registered as submodules of this module
        # - their parameters appear in named_parameters() under net1. and net2.
        self.net1 = net1
        self.net2 = net2
        # END SOLUTION

    def forward(self, X):
        # BEGIN SOLUTION: return the outputs of net1 and net2 on X, joined side by side along dimension 1
        return torch.cat((self.net1(X), self.net2(X)), dim=1)
        # END SOLUTION


class ModuleNet(nn.Module):
    """layer1, linear from num_input features to num_hidden; layer2, tanh; layer3, linear to num_output."""

    def __init__(self, num_input, num_hidden, num_output):
        super().__init__()
        # BEGIN SOLUTION: create layer1 (a linear layer from num_input features to num_hidden), layer2 (tanh) and layer3 (a linear layer from num_hidden features to num_output)
        self.layer1 = nn.Linear(num_input, num_hidden)
        self.layer2 = nn.Tanh()
        self.layer3 = nn.Linear(num_hidden, num_output)
        # END SOLUTION

    def forward(self, X):
        # BEGIN SOLUTION: apply layer1, layer2 and layer3 to X, in that order
        return self.layer3(self.layer2(self.layer1(X)))
        # END SOLUTION


def named_conv_block() -> nn.Sequential:
    """A Sequential with named layers: conv1 (3x3 convolution, 3 channels to 32, stride 1, padding 1), relu1, pool."""
    # BEGIN SOLUTION: return a Sequential whose layers are named "conv1" (a 3x3 convolution from 3 channels to 32, stride 1, padding 1), "relu1" (ReLU) and "pool" (2x2 max pooling)
    # - the layers are known by these names, not by numbers: the parameters are conv1.weight and conv1.bias
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
        # BEGIN SOLUTION: create conv1 (1 channel to 6, 5x5 kernels), conv2 (6 channels to 16, 5x5 kernels), fc1 (16*5*5 = 400 features to 120), fc2 (120 to 84) and fc3 (84 to 10)
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)
        # END SOLUTION

    def forward(self, X):
        # BEGIN SOLUTION: conv1, ReLU, 2x2 max pooling; conv2, ReLU, 2x2 max pooling; flatten each sample; fc1, ReLU, fc2, ReLU, fc3
        # - a batch of one image works too: flatten each sample, never the batch dimension
        X = F.max_pool2d(F.relu(self.conv1(X)), 2)
        X = F.max_pool2d(F.relu(self.conv2(X)), 2)
        X = torch.flatten(X, 1)
        X = F.relu(self.fc1(X))
        X = F.relu(self.fc2(X))
        return self.fc3(X)
        # END SOLUTION
