# Generated from solutions/training.py by `make stubs`: replace each NotImplementedError with your code.
"""Topic 10, training: the training loop, evaluation, and moving work between devices."""

import torch
from torch import nn


def train(net, loader, loss_fn, optimizer, epochs) -> list[float]:
    """Train `net` for `epochs` passes over `loader`; return each epoch's mean batch loss as a float."""
    raise NotImplementedError("net.train(); per batch: move X, y to the net's device, zero_grad, forward, loss, backward, step; keep loss.item()")


def evaluate(net, loader) -> float:
    """Classification accuracy of `net` on `loader`, in eval mode and without autograd; the mode is restored."""
    raise NotImplementedError('remember net.training, net.eval(), count correct argmax predictions under torch.no_grad(), restore the mode with net.train(was_training)')


def try_gpu(i=0) -> torch.device:
    """torch.device(f"cuda:{i}") if that GPU exists, else torch.device("cpu")."""
    raise NotImplementedError('compare i with torch.cuda.device_count()')


def try_all_gpus() -> list[torch.device]:
    """Every GPU as a torch.device, or [torch.device("cpu")] when there is none."""
    raise NotImplementedError('one torch.device(f"cuda:{i}") per GPU, or [torch.device("cpu")]')


def to_device(obj, device):
    """Move every tensor inside nested lists, tuples and dicts to `device`; containers keep their types."""
    raise NotImplementedError('recurse into dicts, lists and tuples (rebuilding each as the same type); tensors get .to(device); anything else is returned as is')


def make_regression_data(seed=0):
    """200 points X in [-1, 1)^2 and targets y = 0.5 * (sin(2 x0) + x1^2), each of shape (200, 1)."""
    g = torch.Generator().manual_seed(seed)
    X = torch.rand(200, 2, generator=g) * 2 - 1
    y = 0.5 * (torch.sin(2 * X[:, :1]) + X[:, 1:] ** 2)
    return X, y


def fit_regression(seed=0) -> tuple[nn.Module, float]:
    """Fit Sequential(Linear(2, 4), Tanh(), Linear(4, 1)) with SGD to make_regression_data(seed); return (net, final MSE)."""
    raise NotImplementedError('torch.manual_seed(seed); full-batch SGD(lr=0.2, momentum=0.9) on nn.MSELoss() for 300 steps; return the net and its MSE on the data as a float')
