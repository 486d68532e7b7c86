"""Topic 4, tying: one parameter used in several places of a network."""

import torch
from torch import nn
from torch.nn import functional as F


def tied_mlp() -> nn.Sequential:
    """Linear 4 to 8, ReLU, shared, ReLU, shared, ReLU, linear 8 to 1, in a Sequential; shared: ONE 8-to-8 linear."""
    # BEGIN SOLUTION: return the Sequential: linear 4 to 8, ReLU, shared, ReLU, shared, ReLU, linear 8 to 1, where both places called shared hold one and the same 8-to-8 linear layer
    # - one module object at positions 2 and 4, not two equal ones
    shared = nn.Linear(8, 8)
    return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), shared, nn.ReLU(), shared, nn.ReLU(), nn.Linear(8, 1))
    # END SOLUTION


def tied_pairs(net) -> list[tuple[str, str]]:
    """(earliest name, this name) for every parameter name whose tensor appeared under an earlier name."""
    # BEGIN SOLUTION: return (earliest name, this name) for every parameter name whose tensor object appeared under an earlier name, in the order the net names its parameters when duplicates are kept
    # - equal values are not sharing: compare objects, not contents; [] when nothing is shared
    first_name = {}
    pairs = []
    for name, parameter in net.named_parameters(remove_duplicate=False):
        if id(parameter) in first_name:
            pairs.append((first_name[id(parameter)], name))
        else:
            first_name[id(parameter)] = name
    return pairs
    # END SOLUTION


class TiedAutoencoder(nn.Module):
    """An autoencoder whose decoder reuses the encoder's own weight (d_hidden, d_in) as it is, plus decoder_bias; no decoder weight."""

    def __init__(self, d_in, d_hidden):
        super().__init__()
        # BEGIN SOLUTION: create encoder, a linear layer from d_in features to d_hidden, and decoder_bias, a trainable parameter of d_in zeros; no decoder weight
        self.encoder = nn.Linear(d_in, d_hidden)
        self.decoder_bias = nn.Parameter(torch.zeros(d_in))
        # END SOLUTION

    def forward(self, X):
        # BEGIN SOLUTION: return the ReLU of the encoder's output on X, multiplied (matrix product) by the encoder's own weight, plus decoder_bias
        # - the very weight of the encoder, not a copy: the gradients of both uses add up in it
        return F.relu(self.encoder(X)) @ self.encoder.weight + self.decoder_bias
        # END SOLUTION
