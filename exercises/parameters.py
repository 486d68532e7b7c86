# Generated from solutions/parameters.py by `make stubs`: replace each NotImplementedError with your code.
"""Topic 2, parameters: finding, counting and freezing the parameters of a network."""

import torch
from torch import nn


def param_shapes(net) -> list[tuple[str, torch.Size]]:
    """Every parameter's dotted name and shape, in net.named_parameters() order."""
    raise NotImplementedError('return [(name, p.shape) for each (name, p) of net.named_parameters()]')


def block1() -> nn.Sequential:
    """nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 4), nn.ReLU())."""
    raise NotImplementedError('return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 4), nn.ReLU())')


def block2() -> nn.Sequential:
    """An nn.Sequential of four block1() added with add_module as "block 0" ... "block 3"."""
    raise NotImplementedError('start from nn.Sequential() and call net.add_module(f"block {i}", block1()) for i in 0..3')


def rgnet() -> nn.Sequential:
    """nn.Sequential(block2(), nn.Linear(4, 1))."""
    raise NotImplementedError('return nn.Sequential(block2(), nn.Linear(4, 1))')


def get_parameter(net, path: str) -> nn.Parameter:
    """The parameter itself (not a copy) at a dotted path like "0.block 1.0.bias"; KeyError naming the path if none."""
    raise NotImplementedError('look the path up in dict(net.named_parameters()); raise KeyError(path) when it is not there')


def count_parameters(net, trainable_only=False) -> int:
    """The number of scalar parameters, a shared one counted once; only requires_grad ones with trainable_only."""
    raise NotImplementedError('sum p.numel() over net.parameters() (which lists a shared parameter once), skipping frozen ones if asked')


def linear_layers(net) -> list[nn.Linear]:
    """Every nn.Linear at any depth, in net.modules() order, each once."""
    raise NotImplementedError('keep the modules of net.modules() (every depth, each once) that are nn.Linear')


def freeze(net, prefixes) -> None:
    """Set requires_grad=False on every parameter whose dotted name starts with one of prefixes (a str or a list)."""
    raise NotImplementedError('turn a single string into a one-item tuple; freeze the parameters whose name startswith one of them')
