"""Topic 10, training: the training loop, evaluation, and moving work between devices."""

import torch
from torch import nn


def train(net, loader, loss_fn, optimizer, epochs) -> list[float]:
    """Train `net` for `epochs` passes over `loader`; return each epoch's mean batch loss as a float."""
    # BEGIN SOLUTION: train net in training mode for epochs passes over loader with loss_fn and optimizer; return each epoch's mean batch loss as a Python float
    # - for each batch: clear the old gradients, forward, loss, backward, optimizer step
    # - move each batch to the device the net's parameters are on
    device = next(net.parameters()).device
    net.train()
    epoch_losses = []
    for _ in range(epochs):
        total, batches = 0.0, 0
        for X, y in loader:
            X, y = X.to(device), y.to(device)
            optimizer.zero_grad()
            loss = loss_fn(net(X), y)
            loss.backward()
            optimizer.step()
            total += loss.item()
            batches += 1
        epoch_losses.append(total / batches)
    return epoch_losses
    # END SOLUTION


def evaluate(net, loader) -> float:
    """Classification accuracy of `net` on `loader`, in eval mode and without autograd; the mode is restored."""
    # BEGIN SOLUTION: return the fraction of loader's examples whose highest-scoring class is their label, computed in evaluation mode without autograd
    # - the net is left in the mode it was in before
    # - move each batch to the device the net's parameters are on
    device = next(net.parameters()).device
    was_training = net.training
    net.eval()
    correct, total = 0, 0
    try:
        with torch.no_grad():
            for X, y in loader:
                X, y = X.to(device), y.to(device)
                correct += (net(X).argmax(dim=1) == y).sum().item()
                total += y.numel()
    finally:
        net.train(was_training)
    return correct / total
    # END SOLUTION


def try_gpu(i=0) -> torch.device:
    """The device of GPU number i if that GPU exists, else the CPU device."""
    # BEGIN SOLUTION: return the device of GPU number i when that GPU exists, else the CPU device
    if i < torch.cuda.device_count():
        return torch.device(f"cuda:{i}")
    return torch.device("cpu")
    # END SOLUTION


def try_all_gpus() -> list[torch.device]:
    """Every GPU as a torch.device, in order; a list of the CPU device alone when there is none."""
    # BEGIN SOLUTION: return one device per GPU present, in order, or a list holding only the CPU device when there is none
    devices = [torch.device(f"cuda:{i}") for i in range(torch.cuda.device_count())]
    return devices or [torch.device("cpu")]
    # END SOLUTION


def to_device(obj, device):
    """Move every tensor inside nested lists, tuples and dicts to `device`; containers keep their types."""
    # BEGIN SOLUTION: return obj with every tensor in it moved to device, at any depth of nested dicts, lists and tuples
    # - each container keeps its type (a tuple stays a tuple); any other value comes back as it is
    if isinstance(obj, torch.Tensor):
        return obj.to(device)
    if isinstance(obj, dict):
        return {key: to_device(value, device) for key, value in obj.items()}
    if isinstance(obj, list):
        return [to_device(value, device) for value in obj]
    if isinstance(obj, tuple):
        return tuple(to_device(value, device) for value in obj)
    return obj
    # END SOLUTION


def make_regression_data(seed=0):
    """200 points X in [-1, 1)^2 and targets y = 0.5 * (sin(2 x0) + x1^2), each of shape (200, 1)."""
    g = torch.Generator().manual_seed(seed)
    X = torch.rand(200, 2, generator=g) * 2 - 1
    y = 0.5 * (torch.sin(2 * X[:, :1]) + X[:, 1:] ** 2)
    return X, y


def fit_regression(seed=0) -> tuple[nn.Module, float]:
    """Fit a net (2 inputs, 4 tanh hidden units, 1 output) by SGD to make_regression_data(seed); return (net, MSE)."""
    # BEGIN SOLUTION: train a net with 2 inputs, 4 tanh hidden units and 1 output by SGD on the data make_regression_data makes for this seed, to a mean squared error below 0.05; return the net and that error as a float
    # - seed the global random state with seed first, so that the same seed gives the same net
    # - the error returned is the trained net's mean squared error on all of that data
    torch.manual_seed(seed)
    X, y = make_regression_data(seed)
    net = nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 1))
    optimizer = torch.optim.SGD(net.parameters(), lr=0.2, momentum=0.9)
    loss_fn = nn.MSELoss()
    for _ in range(300):
        optimizer.zero_grad()
        loss_fn(net(X), y).backward()
        optimizer.step()
    with torch.no_grad():
        mse = loss_fn(net(X), y).item()
    return net, mse
    # END SOLUTION
