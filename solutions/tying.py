"""Topic 4, tying: one parameter used in several places of a network."""

import torch
from torch import nn
from torch.nn import functional as F


def tied_mlp() -> nn.Sequential:
    """Linear(4, 8), ReLU, shared, ReLU, shared, ReLU, Linear(8, 1), with shared = Linear(8, 8) one module."""
    # BEGIN SOLUTION: create shared = nn.Linear(8, 8) once and put that same object at positions 2 and 4
    shared = nn.Linear(8, 8)
    return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), shared, nn.ReLU(), shared, nn.ReLU(), nn.Linear(8, 1))
    # END SOLUTION


def tied_pairs(net) -> list[tuple[str, str]]:
    """(earliest name, this name) for every parameter name whose tensor appeared under an earlier name."""
    # BEGIN SOLUTION: walk net.named_parameters(remove_duplicate=False), remembering the first name seen for each id(p)
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
    """relu(encoder(X)) @ encoder.weight + decoder_bias: the decoder reuses the encoder's weight."""

    def __init__(self, d_in, d_hidden):
        super().__init__()
        # BEGIN SOLUTION: encoder = nn.Linear(d_in, d_hidden); decoder_bias = nn.Parameter(torch.zeros(d_in)); no decoder weight
        self.encoder = nn.Linear(d_in, d_hidden)
        self.decoder_bias = nn.Parameter(torch.zeros(d_in))
        # END SOLUTION

    def forward(self, X):
        # BEGIN SOLUTION: return relu(encoder(X)) @ encoder.weight + decoder_bias, using the weight itself (not a copy)
        return F.relu(self.encoder(X)) @ self.encoder.weight + self.decoder_bias
        # END SOLUTION
