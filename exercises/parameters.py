# Generated from solutions/parameters.py by `make stubs`: replace each NotImplementedError with your code.
"""Topic 2, parameters: finding, counting and freezing the parameters of a network."""

import torch
from torch import nn


def param_shapes(net) -> list[tuple[str, torch.Size]]:
    """Every parameter's dotted name and shape, in the order named_parameters() gives them."""
    raise NotImplementedError('return a list of (dotted name, shape) pairs, one per parameter, in the order the net names its parameters')


def block1() -> nn.Sequential:
    """A Sequential of: a linear layer from 4 features to 8, ReLU, a linear layer from 8 to 4, ReLU."""
    raise NotImplementedError('return a Sequential of: a linear layer from 4 features to 8, ReLU, a linear layer from 8 to 4, ReLU')


def block2() -> nn.Sequential:
    """An nn.Sequential of four block1(), added one by one as "block 0" ... "block 3"."""
    raise NotImplementedError('return a Sequential holding four block1() blocks added one by one under the names "block 0", "block 1", "block 2" and "block 3"')


def rgnet() -> nn.Sequential:
    """A Sequential of a block2() followed by a linear layer from 4 features to 1."""
    raise NotImplementedError('return a Sequential of a block2() followed by a linear layer from 4 features to 1')


def get_parameter(net, path: str) -> nn.Parameter:
    """The parameter itself (not a copy) at a dotted path like "0.block 1.0.bias"; KeyError naming the path if none."""
    # - a path that names no parameter raises KeyError, with the path in its message
    # - a layer used in two places has its parameters under both of its names
    raise NotImplementedError('return the parameter at a dotted path such as "0.block 1.0.bias": the very object the net holds, not a copy')


def count_parameters(net, trainable_only=False) -> int:
    """The number of scalar parameters, a shared one counted once; only requires_grad ones with trainable_only."""
    # - a parameter shared by several layers counts once
    raise NotImplementedError('return the number of scalar parameters of net; with trainable_only, count only those that require grad')


def linear_layers(net) -> list[nn.Linear]:
    """Every nn.Linear at any depth, in the order modules() gives them, each once."""
    raise NotImplementedError('return every linear layer of net at any depth, in the order the net lists its modules, each once even when shared')


def freeze(net, prefixes) -> None:
    """Make every parameter whose dotted name starts with one of prefixes (a str or a list) stop requiring grad."""
    raise NotImplementedError('make every parameter whose dotted name starts with one of prefixes (a string or a list of strings) stop requiring grad; leave the others as they are')
