# Every exercise's body does nothing: __init__ passes, each function returns its first argument (or None).
"""Topic 6, checkpoints: saving and loading tensors, parameters, training state and whole models."""

import torch
from torch import nn


def save_tensors(obj, path):
    """Save a tensor, a list of tensors or a dict of str -> tensor to `path`."""
    # - the file must load back with weights-only loading, which runs no code
    return obj  # does nothing


def load_tensors(path):
    """Load what save_tensors saved, running no code from the file (weights-only loading)."""
    return path  # does nothing


def save_params(net, path):
    """Save only the net's state_dict (its parameters and buffers), not the module."""
    return net  # does nothing


def load_params(net, path) -> nn.Module:
    """Load a state_dict saved by save_params into `net` (even one saved on a GPU), put it in eval mode, return it."""
    # - a file saved on a GPU must load on a machine without one
    # - load it running no code from the file (weights-only loading)
    return net  # does nothing


def save_checkpoint(path, model, optimizer, epoch, **extra):
    """Save model and optimizer state, epoch, extras and the RNG state; a failed save leaves `path` as it was."""
    # - one file at path that loads back with weights-only loading
    # - a save that fails midway must leave the previous file at path intact
    return path  # does nothing


def load_checkpoint(path, model, optimizer=None, map_location=None) -> dict:
    """Restore what save_checkpoint saved; return a dict holding "epoch" and the extras."""
    # - load it running no code from the file, onto map_location when one is given
    # - training resumed afterwards continues exactly as if it had never stopped
    return path  # does nothing


def save_model(net, path):
    """Save the whole module: its class (by reference) and its weights."""
    return net  # does nothing


def load_model(path) -> nn.Module:
    """Load a whole module; this unpickles code, so only load files you trust."""
    # - a whole module is not plain data: loading it runs code from the file, so say so explicitly rather than rely on the default, and load only files you trust
    return path  # does nothing
