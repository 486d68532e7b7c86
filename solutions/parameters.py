"""Topic 2, parameters: finding, counting and freezing the parameters of a network."""

import torch
from torch import nn


def param_shapes(net) -> list[tuple[str, torch.Size]]:
    """Every parameter's dotted name and shape, in the order named_parameters() gives them."""
    # BEGIN SOLUTION: return a list of (dotted name, shape) pairs, one per parameter, in the order the net names its parameters
    return [(name, parameter.shape) for name, parameter in net.named_parameters()]
    # END SOLUTION


def block1() -> nn.Sequential:
    """A Sequential of: a linear layer from 4 features to 8, ReLU, a linear layer from 8 to 4, ReLU."""
    # BEGIN SOLUTION: return a Sequential of: a linear layer from 4 features to 8, ReLU, a linear layer from 8 to 4, ReLU
    return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 4), nn.ReLU())
    # END SOLUTION


def block2() -> nn.Sequential:
    """An nn.Sequential of four block1(), added one by one as "block 0" ... "block 3"."""
    # BEGIN SOLUTION: return a Sequential holding four block1() blocks added one by one under the names "block 0", "block 1", "block 2" and "block 3"
    net = nn.Sequential()
    for i in range(4):
        net.add_module(f"block {i}", block1())
    return net
    # END SOLUTION


def rgnet() -> nn.Sequential:
    """A Sequential of a block2() followed by a linear layer from 4 features to 1."""
    # BEGIN SOLUTION: return a Sequential of a block2() followed by a linear layer from 4 features to 1
    return nn.Sequential(block2(), nn.Linear(4, 1))
    # END SOLUTION


def get_parameter(net, path: str) -> nn.Parameter:
    """The parameter itself (not a copy) at a dotted path like "0.block 1.0.bias"; KeyError naming the path if none."""
    # BEGIN SOLUTION: return the parameter at a dotted path such as "0.block 1.0.bias": the very object the net holds, not a copy
    # - a path that names no parameter raises KeyError, with the path in its message
    # - a layer used in two places has its parameters under both of its names
    parameters = dict(net.named_parameters(remove_duplicate=False))  # every name of a shared parameter
    if path not in parameters:
        raise KeyError(f"no parameter named {path!r}")
    return parameters[path]
    # END SOLUTION


def count_parameters(net, trainable_only=False) -> int:
    """The number of scalar parameters, a shared one counted once; only requires_grad ones with trainable_only."""
    # BEGIN SOLUTION: return the number of scalar parameters of net; with trainable_only, count only those that require grad
    # - a parameter shared by several layers counts once
    return sum(p.numel() for p in net.parameters() if p.requires_grad or not trainable_only)
    # END SOLUTION


def linear_layers(net) -> list[nn.Linear]:
    """Every nn.Linear at any depth, in the order modules() gives them, each once."""
    # BEGIN SOLUTION: return every linear layer of net at any depth, in the order the net lists its modules, each once even when shared
    return [module for module in net.modules() if isinstance(module, nn.Linear)]
    # END SOLUTION


def freeze(net, prefixes) -> None:
    """Make every parameter whose dotted name starts with one of prefixes (a str or a list) stop requiring grad."""
    # BEGIN SOLUTION: make every parameter whose dotted name starts with one of prefixes (a string or a list of strings) stop requiring grad; leave the others as they are
    prefixes = (prefixes,) if isinstance(prefixes, str) else tuple(prefixes)
    for name, parameter in net.named_parameters():
        if name.startswith(prefixes):
            parameter.requires_grad_(False)
    # END SOLUTION
