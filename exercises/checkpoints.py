# Generated from solutions/checkpoints.py by `make stubs`: replace each NotImplementedError with your code.
"""Topic 6, checkpoints: saving and loading tensors, parameters, training state and whole models."""

import contextlib
import os
import tempfile

import torch
from torch import nn


def save_tensors(obj, path):
    """Save a tensor, a list of tensors or a dict of str -> tensor to `path`."""
    raise NotImplementedError('torch.save(obj, path)')


def load_tensors(path):
    """Load what save_tensors saved, running no code from the file (weights_only=True)."""
    raise NotImplementedError('return torch.load(path, weights_only=True)')


def save_params(net, path):
    """Save only the net's state_dict (its parameters and buffers), not the module."""
    raise NotImplementedError('torch.save(net.state_dict(), path)')


def load_params(net, path) -> nn.Module:
    """Load a state_dict saved by save_params into `net` (even one saved on a GPU), put it in eval mode, return it."""
    raise NotImplementedError('load with map_location="cpu" and weights_only=True, net.load_state_dict(...), net.eval(), return net')


def save_checkpoint(path, model, optimizer, epoch, **extra):
    """Save model and optimizer state, epoch, extras and the RNG state; a failed save leaves `path` as it was."""
    raise NotImplementedError('put everything (RNG: torch.get_rng_state()) in one dict; torch.save it to a temporary file next to `path`, then os.replace it onto `path`')


def load_checkpoint(path, model, optimizer=None, map_location=None) -> dict:
    """Restore what save_checkpoint saved; return {"epoch": ..., **extras}."""
    raise NotImplementedError('torch.load(path, map_location=map_location, weights_only=True); restore model, optimizer (if given) and RNG state; return epoch and extras')


def save_model(net, path):
    """Save the whole module: its class (by reference) and its weights."""
    raise NotImplementedError('torch.save(net, path)')


def load_model(path) -> nn.Module:
    """Load a whole module; this unpickles code, so only load files you trust."""
    raise NotImplementedError('return torch.load(path, weights_only=False): a whole module is not plain data')
