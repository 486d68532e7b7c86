# Generated from solutions/checkpoints.py by `make stubs`: replace each NotImplementedError with your code.
"""Topic 6, checkpoints: saving and loading tensors, parameters, training state and whole models."""

import torch
from torch import nn


def save_tensors(obj, path):
    """Save a tensor, a list of tensors or a dict of str -> tensor to `path`."""
    # - the file must load back with weights-only loading, which runs no code
    raise NotImplementedError('save obj (a tensor, a list of tensors or a dict of str to tensor) to path')


def load_tensors(path):
    """Load what save_tensors saved, running no code from the file (weights-only loading)."""
    raise NotImplementedError('load and return what save_tensors saved at path, running no code from the file (weights-only loading)')


def save_params(net, path):
    """Save only the net's state_dict (its parameters and buffers), not the module."""
    raise NotImplementedError("save only the net's parameters and buffers (its state_dict) to path, not the module object")


def load_params(net, path) -> nn.Module:
    """Load a state_dict saved by save_params into `net` (even one saved on a GPU), put it in eval mode, return it."""
    # - a file saved on a GPU must load on a machine without one
    # - load it running no code from the file (weights-only loading)
    raise NotImplementedError('load the state_dict saved at path into net, switch net to evaluation mode and return net')


def save_checkpoint(path, model, optimizer, epoch, **extra):
    """Save model and optimizer state, epoch, extras and the RNG state; a failed save leaves `path` as it was."""
    # - one file at path that loads back with weights-only loading
    # - a save that fails midway must leave the previous file at path intact
    raise NotImplementedError("save everything needed to resume training exactly: the model's and the optimizer's state, the epoch, the extras and the random number generators' state")


def load_checkpoint(path, model, optimizer=None, map_location=None) -> dict:
    """Restore what save_checkpoint saved; return a dict holding "epoch" and the extras."""
    # - load it running no code from the file, onto map_location when one is given
    # - training resumed afterwards continues exactly as if it had never stopped
    raise NotImplementedError('restore what save_checkpoint saved: the model, the optimizer (when one is given) and the random number generators\' state; return a dict with "epoch" and every extra')


def save_model(net, path):
    """Save the whole module: its class (by reference) and its weights."""
    raise NotImplementedError('save the whole module (its class and its weights) to path')


def load_model(path) -> nn.Module:
    """Load a whole module; this unpickles code, so only load files you trust."""
    # - a whole module is not plain data: loading it runs code from the file, so say so explicitly rather than rely on the default, and load only files you trust
    raise NotImplementedError('load and return the whole module saved at path')
