# Every exercise's body does nothing: __init__ passes, each function returns its first argument (or None).
"""Topic 2, parameters: finding, counting and freezing the parameters of a network."""

import torch
from torch import nn


def param_shapes(net) -> list[tuple[str, torch.Size]]:
    """Every parameter's dotted name and shape, in the order named_parameters() gives them."""
    return net  # does nothing


def block1() -> nn.Sequential:
    """A Sequential of: a linear layer from 4 features to 8, ReLU, a linear layer from 8 to 4, ReLU."""
    return None  # does nothing


def block2() -> nn.Sequential:
    """An nn.Sequential of four block1(), added one by one as "block 0" ... "block 3"."""
    return None  # does nothing


def rgnet() -> nn.Sequential:
    """A Sequential of a block2() followed by a linear layer from 4 features to 1."""
    return None  # does nothing


def get_parameter(net, path: str) -> nn.Parameter:
    """The parameter itself (not a copy) at a dotted path like "0.block 1.0.bias"; KeyError naming the path if none."""
    # - a path that names no parameter raises KeyError, with the path in its message
    # - a layer used in two places has its parameters under both of its names
    return net  # does nothing


def count_parameters(net, trainable_only=False) -> int:
    """The number of scalar parameters, a shared one counted once; only requires_grad ones with trainable_only."""
    # - a parameter shared by several layers counts once
    return net  # does nothing


def linear_layers(net) -> list[nn.Linear]:
    """Every nn.Linear at any depth, in the order modules() gives them, each once."""
    return net  # does nothing


def freeze(net, prefixes) -> None:
    """Make every parameter whose dotted name starts with one of prefixes (a str or a list) stop requiring grad."""
    return net  # does nothing
