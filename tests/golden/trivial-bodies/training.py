# Every exercise's body does nothing: __init__ passes, each function returns its first argument (or None).
"""Topic 10, training: the training loop, evaluation, and moving work between devices."""

import torch
from torch import nn


def train(net, loader, loss_fn, optimizer, epochs) -> list[float]:
    """Train `net` for `epochs` passes over `loader`; return each epoch's mean batch loss as a float."""
    # - for each batch: clear the old gradients, forward, loss, backward, optimizer step
    # - move each batch to the device the net's parameters are on
    return net  # does nothing


def evaluate(net, loader) -> float:
    """Classification accuracy of `net` on `loader`, in eval mode and without autograd; the mode is restored."""
    # - the net is left in the mode it was in before
    # - move each batch to the device the net's parameters are on
    return net  # does nothing


def try_gpu(i=0) -> torch.device:
    """The device of GPU number i if that GPU exists, else the CPU device."""
    return i  # does nothing


def try_all_gpus() -> list[torch.device]:
    """Every GPU as a torch.device, in order; a list of the CPU device alone when there is none."""
    return None  # does nothing


def to_device(obj, device):
    """Move every tensor inside nested lists, tuples and dicts to `device`; containers keep their types."""
    # - each container keeps its type (a tuple stays a tuple); any other value comes back as it is
    return obj  # does nothing


def make_regression_data(seed=0):
    """200 points X in [-1, 1)^2 and targets y = 0.5 * (sin(2 x0) + x1^2), each of shape (200, 1)."""
    g = torch.Generator().manual_seed(seed)
    X = torch.rand(200, 2, generator=g) * 2 - 1
    y = 0.5 * (torch.sin(2 * X[:, :1]) + X[:, 1:] ** 2)
    return X, y


def fit_regression(seed=0) -> tuple[nn.Module, float]:
    """Fit a net (2 inputs, 4 tanh hidden units, 1 output) by SGD to make_regression_data(seed); return (net, MSE)."""
    # - seed the global random state with seed first, so that the same seed gives the same net
    # - the error returned is the trained net's mean squared error on all of that data
    return seed  # does nothing
