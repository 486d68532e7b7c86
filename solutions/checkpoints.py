"""Topic 6, checkpoints: saving and loading tensors, parameters, training state and whole models."""

import torch
from torch import nn


def save_tensors(obj, path):
    """Save a tensor, a list of tensors or a dict of str -> tensor to `path`."""
    # BEGIN SOLUTION: save obj (a tensor, a list of tensors or a dict of str to tensor) to path
    # - the file must load back with weights-only loading, which runs no code
    torch.save(obj, path)
    # END SOLUTION


def load_tensors(path):
    """Load what save_tensors saved, running no code from the file (weights-only loading)."""
    # BEGIN SOLUTION: load and return what save_tensors saved at path, running no code from the file (weights-only loading)
    return torch.load(path, weights_only=True)
    # END SOLUTION


def save_params(net, path):
    """Save only the net's state_dict (its parameters and buffers), not the module."""
    # BEGIN SOLUTION: save only the net's parameters and buffers (its state_dict) to path, not the module object
    torch.save(net.state_dict(), path)
    # END SOLUTION


def load_params(net, path) -> nn.Module:
    """Load a state_dict saved by save_params into `net` (even one saved on a GPU), put it in eval mode, return it."""
    # BEGIN SOLUTION: load the state_dict saved at path into net, switch net to evaluation mode and return net
    # - a file saved on a GPU must load on a machine without one
    # - load it running no code from the file (weights-only loading)
    state = torch.load(path, map_location="cpu", weights_only=True)
    net.load_state_dict(state)  # copies the values onto the device the net lives on
    net.eval()
    return net
    # END SOLUTION


def save_checkpoint(path, model, optimizer, epoch, **extra):
    """Save model and optimizer state, epoch, extras and the RNG state; a failed save leaves `path` as it was."""
    # BEGIN SOLUTION: save everything needed to resume training exactly: the model's and the optimizer's state, the epoch, the extras and the random number generators' state
    # - one file at path that loads back with weights-only loading
    # - a save that fails midway must leave the previous file at path intact
    import contextlib  # here, not at the top of the file: the stub's imports would give the way away
    import os
    import tempfile

    checkpoint = {
        "model": model.state_dict(),
        "optimizer": optimizer.state_dict(),
        "epoch": epoch,
        "extra": extra,
        "rng": {
            "cpu": torch.get_rng_state(),
            "cuda": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else [],
        },
    }
    directory = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".checkpoint-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            torch.save(checkpoint, file)
        os.replace(temporary, path)  # atomic: `path` holds the old file or the new one, never half of one
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(temporary)
        raise
    # END SOLUTION


def load_checkpoint(path, model, optimizer=None, map_location=None) -> dict:
    """Restore what save_checkpoint saved; return a dict holding "epoch" and the extras."""
    # BEGIN SOLUTION: restore what save_checkpoint saved: the model, the optimizer (when one is given) and the random number generators' state; return a dict with "epoch" and every extra
    # - load it running no code from the file, onto map_location when one is given
    # - training resumed afterwards continues exactly as if it had never stopped
    checkpoint = torch.load(path, map_location=map_location, weights_only=True)
    model.load_state_dict(checkpoint["model"])
    if optimizer is not None:
        optimizer.load_state_dict(checkpoint["optimizer"])
    torch.set_rng_state(checkpoint["rng"]["cpu"].cpu())
    cuda_states = checkpoint["rng"]["cuda"]
    if cuda_states and torch.cuda.is_available():
        torch.cuda.set_rng_state_all([state.cpu() for state in cuda_states])
    return {"epoch": checkpoint["epoch"], **checkpoint["extra"]}
    # END SOLUTION


def save_model(net, path):
    """Save the whole module: its class (by reference) and its weights."""
    # BEGIN SOLUTION: save the whole module (its class and its weights) to path
    torch.save(net, path)
    # END SOLUTION


def load_model(path) -> nn.Module:
    """Load a whole module; this unpickles code, so only load files you trust."""
    # BEGIN SOLUTION: load and return the whole module saved at path
    # - a whole module is not plain data: loading it runs code from the file, so say so explicitly rather than rely on the default, and load only files you trust
    return torch.load(path, weights_only=False)
    # END SOLUTION
