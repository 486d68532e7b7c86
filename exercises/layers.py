# Generated from solutions/layers.py by `make stubs`: replace each NotImplementedError with your code.
"""Topic 5, layers: custom layers, with and without parameters."""

import torch
from torch import nn
from torch.nn import functional as F


class CenteredLayer(nn.Module):
    """No parameters: subtracts the mean of all entries, forward(X) = X - X.mean()."""

    def forward(self, X):
        raise NotImplementedError('return X minus the mean of all its entries')


class MyLinear(nn.Module):
    """A fully connected layer with ReLU: relu(X @ weight + bias), weight (in_units, units)."""

    def __init__(self, in_units, units):
        super().__init__()
        raise NotImplementedError('weight = nn.Parameter(torch.randn(in_units, units)); bias = nn.Parameter(torch.randn(units))')

    def forward(self, X):
        raise NotImplementedError('return relu(X @ weight + bias), using the parameters themselves (not .data)')


class TensorReduction(nn.Module):
    """y[n, k] = sum_ij weight[k, i, j] * X[n, i] * X[n, j], weight of shape (units, in_units, in_units)."""

    def __init__(self, in_units, units):
        super().__init__()
        raise NotImplementedError('weight = nn.Parameter(torch.randn(units, in_units, in_units))')

    def forward(self, X):
        raise NotImplementedError('return y of shape (N, units) with y[n, k] = sum_ij weight[k, i, j] * X[n, i] * X[n, j]')
