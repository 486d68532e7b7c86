# Generated from solutions/tying.py by `make stubs`: replace each NotImplementedError with your code.
"""Topic 4, tying: one parameter used in several places of a network."""

import torch
from torch import nn
from torch.nn import functional as F


def tied_mlp() -> nn.Sequential:
    """Linear 4 to 8, ReLU, shared, ReLU, shared, ReLU, linear 8 to 1, in a Sequential; shared: ONE 8-to-8 linear."""
    # - one module object at positions 2 and 4, not two equal ones
    raise NotImplementedError('return the Sequential: linear 4 to 8, ReLU, shared, ReLU, shared, ReLU, linear 8 to 1, where both places called shared hold one and the same 8-to-8 linear layer')


def tied_pairs(net) -> list[tuple[str, str]]:
    """(earliest name, this name) for every parameter name whose tensor appeared under an earlier name."""
    # - equal values are not sharing: compare objects, not contents; [] when nothing is shared
    raise NotImplementedError('return (earliest name, this name) for every parameter name whose tensor object appeared under an earlier name, in the order the net names its parameters when duplicates are kept')


class TiedAutoencoder(nn.Module):
    """An autoencoder whose decoder reuses the encoder's own weight (d_hidden, d_in) as it is, plus decoder_bias; no decoder weight."""

    def __init__(self, d_in, d_hidden):
        super().__init__()
        raise NotImplementedError('create encoder, a linear layer from d_in features to d_hidden, and decoder_bias, a trainable parameter of d_in zeros; no decoder weight')

    def forward(self, X):
        # - the very weight of the encoder, not a copy: the gradients of both uses add up in it
        raise NotImplementedError("return the ReLU of the encoder's output on X, multiplied (matrix product) by the encoder's own weight, plus decoder_bias")
