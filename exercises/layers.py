# Generated from solutions/layers.py by `make stubs`: replace each NotImplementedError with your code.
"""Topic 5, layers: custom layers, with and without parameters."""

import torch
from torch import nn
from torch.nn import functional as F


class CenteredLayer(nn.Module):
    """No parameters: forward returns X minus the mean of all its entries, as a new tensor."""

    def forward(self, X):
        # - X itself stays unchanged
        raise NotImplementedError('return X minus the mean of all its entries')


class MyLinear(nn.Module):
    """A fully connected layer with ReLU (of X times weight, plus bias); weight of shape (in_units, units)."""

    def __init__(self, in_units, units):
        super().__init__()
        raise NotImplementedError('create weight, a trainable parameter with in_units rows and units columns, and bias, a trainable parameter of units entries, both standard normal random values')

    def forward(self, X):
        # - compute with the parameters themselves, so that gradients reach weight and bias
        raise NotImplementedError('return the ReLU of the matrix product of X and weight, plus bias')


class TensorReduction(nn.Module):
    """y[n, k] = sum_ij weight[k, i, j] * X[n, i] * X[n, j], weight of shape (units, in_units, in_units)."""

    def __init__(self, in_units, units):
        super().__init__()
        raise NotImplementedError('create weight, a trainable parameter of units x in_units x in_units standard normal random values')

    def forward(self, X):
        raise NotImplementedError('return y of shape (N, units) with y[n, k] = the sum over i and j of weight[k, i, j] * X[n, i] * X[n, j]')
