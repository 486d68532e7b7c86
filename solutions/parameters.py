"""Topic 2, parameters: finding, counting and freezing the parameters of a network."""

import torch
from torch import nn


def param_shapes(net) -> list[tuple[str, torch.Size]]:
    """Every parameter's dotted name and shape, in net.named_parameters() order."""
    # BEGIN SOLUTION: return [(name, p.shape) for each (name, p) of net.named_parameters()]
    return [(name, parameter.shape) for name, parameter in net.named_parameters()]
    # END SOLUTION


def block1() -> nn.Sequential:
    """nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 4), nn.ReLU())."""
    # BEGIN SOLUTION: return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 4), nn.ReLU())
    return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 4), nn.ReLU())
    # END SOLUTION


def block2() -> nn.Sequential:
    """An nn.Sequential of four block1() added with add_module as "block 0" ... "block 3"."""
    # BEGIN SOLUTION: start from nn.Sequential() and call net.add_module(f"block {i}", block1()) for i in 0..3
    net = nn.Sequential()
    for i in range(4):
        net.add_module(f"block {i}", block1())
    return net
    # END SOLUTION


def rgnet() -> nn.Sequential:
    """nn.Sequential(block2(), nn.Linear(4, 1))."""
    # BEGIN SOLUTION: return nn.Sequential(block2(), nn.Linear(4, 1))
    return nn.Sequential(block2(), nn.Linear(4, 1))
    # END SOLUTION


def get_parameter(net, path: str) -> nn.Parameter:
    """The parameter itself (not a copy) at a dotted path like "0.block 1.0.bias"; KeyError naming the path if none."""
    # BEGIN SOLUTION: look the path up in dict(net.named_parameters()); raise KeyError(path) when it is not there
    parameters = dict(net.named_parameters())
    if path not in parameters:
        raise KeyError(f"no parameter named {path!r}")
    return parameters[path]
    # END SOLUTION


def count_parameters(net, trainable_only=False) -> int:
    """The number of scalar parameters, a shared one counted once; only requires_grad ones with trainable_only."""
    # BEGIN SOLUTION: sum p.numel() over net.parameters() (which lists a shared parameter once), skipping frozen ones if asked
    return sum(p.numel() for p in net.parameters() if p.requires_grad or not trainable_only)
    # END SOLUTION


def linear_layers(net) -> list[nn.Linear]:
    """Every nn.Linear at any depth, in net.modules() order, each once."""
    # BEGIN SOLUTION: keep the modules of net.modules() (every depth, each once) that are nn.Linear
    return [module for module in net.modules() if isinstance(module, nn.Linear)]
    # END SOLUTION


def freeze(net, prefixes) -> None:
    """Set requires_grad=False on every parameter whose dotted name starts with one of prefixes (a str or a list)."""
    # BEGIN SOLUTION: turn a single string into a one-item tuple; freeze the parameters whose name startswith one of them
    prefixes = (prefixes,) if isinstance(prefixes, str) else tuple(prefixes)
    for name, parameter in net.named_parameters():
        if name.startswith(prefixes):
            parameter.requires_grad_(False)
    # END SOLUTION
