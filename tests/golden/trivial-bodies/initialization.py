# Every exercise's body does nothing: __init__ passes, each function returns its first argument (or None).
"""Topic 3, initialization: set parameters in place, with nn.init and by hand."""

import numpy as np
import torch
from torch import nn


def init_normal(m):
    """For nn.Linear: weight ~ N(0, 0.01²) (standard deviation 0.01), bias = 0. Other modules: nothing."""
    # - change the parameters in place, without autograd history
    return m  # does nothing


def init_constant(m):
    """For nn.Linear: weight = 1, bias = 0."""
    # - change the parameters in place, without autograd history
    return m  # does nothing


def xavier(m):
    """For nn.Linear: Xavier-uniform weight, bound sqrt(6 / (fan_in + fan_out)); bias unchanged."""
    # - change the weight in place, without autograd history
    return m  # does nothing


def init_42(m):
    """For nn.Linear: weight = 42; bias unchanged."""
    # - change the weight in place, without autograd history
    return m  # does nothing


def init_mixed(net):
    """net[0] gets `xavier`, net[2] gets `init_42`, every other layer stays as it is."""
    return net  # does nothing


def my_init(m):
    """For nn.Linear: weight ~ U(-10, 10), then every entry with |w| < 5 set to 0; bias unchanged."""
    # - change the weight in place, without autograd history
    return m  # does nothing


def conv_init(m):
    """For nn.Conv2d: Xavier-uniform weight, bias = 0.1."""
    # - change the parameters in place, without autograd history
    return m  # does nothing


def init_from_numpy(net, std=0.5, seed=0):
    """Each nn.Linear weight (modules() order) gets normal(0, std) samples from ONE NumPy generator seeded by seed."""
    # - each weight keeps its dtype and device (NumPy gives float64) and stays the same object; biases are unchanged
    # - change the weights in place, without autograd history
    return net  # does nothing
