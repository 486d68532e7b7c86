# Generated from solutions/tying.py by `make stubs`: replace each NotImplementedError with your code.
"""Topic 4, tying: one parameter used in several places of a network."""

import torch
from torch import nn
from torch.nn import functional as F


def tied_mlp() -> nn.Sequential:
    """Linear(4, 8), ReLU, shared, ReLU, shared, ReLU, Linear(8, 1), with shared = Linear(8, 8) one module."""
    raise NotImplementedError('create shared = nn.Linear(8, 8) once and put that same object at positions 2 and 4')


def tied_pairs(net) -> list[tuple[str, str]]:
    """(earliest name, this name) for every parameter name whose tensor appeared under an earlier name."""
    raise NotImplementedError('walk net.named_parameters(remove_duplicate=False), remembering the first name seen for each id(p)')


class TiedAutoencoder(nn.Module):
    """relu(encoder(X)) @ encoder.weight + decoder_bias: the decoder reuses the encoder's weight."""

    def __init__(self, d_in, d_hidden):
        super().__init__()
        raise NotImplementedError('encoder = nn.Linear(d_in, d_hidden); decoder_bias = nn.Parameter(torch.zeros(d_in)); no decoder weight')

    def forward(self, X):
        raise NotImplementedError('return relu(encoder(X)) @ encoder.weight + decoder_bias, using the weight itself (not a copy)')
