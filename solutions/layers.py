"""Topic 5, layers: custom layers, with and without parameters."""

import torch
from torch import nn
from torch.nn import functional as F


class CenteredLayer(nn.Module):
    """No parameters: forward returns X minus the mean of all its entries, as a new tensor."""

    def forward(self, X):
        # BEGIN SOLUTION: return X minus the mean of all its entries
        # - X itself stays unchanged
        return X - X.mean()
        # END SOLUTION


class MyLinear(nn.Module):
    """A fully connected layer with ReLU (of X times weight, plus bias); weight of shape (in_units, units)."""

    def __init__(self, in_units, units):
        super().__init__()
        # BEGIN SOLUTION: create weight, a trainable parameter with in_units rows and units columns, and bias, a trainable parameter of units entries, both standard normal random values
        self.weight = nn.Parameter(torch.randn(in_units, units))
        self.bias = nn.Parameter(torch.randn(units))
        # END SOLUTION

    def forward(self, X):
        # BEGIN SOLUTION: return the ReLU of the matrix product of X and weight, plus bias
        # - compute with the parameters themselves, so that gradients reach weight and bias
        return F.relu(X @ self.weight + self.bias)
        # END SOLUTION


class TensorReduction(nn.Module):
    """y[n, k] = sum_ij weight[k, i, j] * X[n, i] * X[n, j], weight of shape (units, in_units, in_units)."""

    def __init__(self, in_units, units):
        super().__init__()
        # BEGIN SOLUTION: create weight, a trainable parameter of units x in_units x in_units standard normal random values
        self.weight = nn.Parameter(torch.randn(units, in_units, in_units))
        # END SOLUTION

    def forward(self, X):
        # BEGIN SOLUTION: return y of shape (N, units) with y[n, k] = the sum over i and j of weight[k, i, j] * X[n, i] * X[n, j]
        return torch.einsum("kij,ni,nj->nk", self.weight, X, X)
        # END SOLUTION
