# Generated from solutions/initialization.py by `make stubs`: replace each NotImplementedError with your code.
"""Topic 3, initialization: set parameters in place, with nn.init and by hand."""

import numpy as np
import torch
from torch import nn


def init_normal(m):
    """For nn.Linear: weight ~ N(0, 0.01²) (standard deviation 0.01), bias = 0. Other modules: nothing."""
    # - change the parameters in place, without autograd history
    raise NotImplementedError('for a linear layer, draw the weight from a normal distribution with mean 0 and standard deviation 0.01 and set the bias to zero; leave other modules alone')


def init_constant(m):
    """For nn.Linear: weight = 1, bias = 0."""
    # - change the parameters in place, without autograd history
    raise NotImplementedError('for a linear layer, set every weight entry to 1 and the bias to zero; leave other modules alone')


def xavier(m):
    """For nn.Linear: Xavier-uniform weight, bound sqrt(6 / (fan_in + fan_out)); bias unchanged."""
    # - change the weight in place, without autograd history
    raise NotImplementedError('for a linear layer, draw the weight from the Xavier (Glorot) uniform distribution; leave the bias and other modules alone')


def init_42(m):
    """For nn.Linear: weight = 42; bias unchanged."""
    # - change the weight in place, without autograd history
    raise NotImplementedError('for a linear layer, set every weight entry to 42; leave the bias and other modules alone')


def init_mixed(net):
    """net[0] gets `xavier`, net[2] gets `init_42`, every other layer stays as it is."""
    raise NotImplementedError('initialize the first layer of net (index 0) with xavier and the third (index 2) with init_42; leave every other layer as it is')


def my_init(m):
    """For nn.Linear: weight ~ U(-10, 10), then every entry with |w| < 5 set to 0; bias unchanged."""
    # - change the weight in place, without autograd history
    raise NotImplementedError('for a linear layer, draw the weight uniformly from [-10, 10], then set to zero every entry whose absolute value is below 5; leave the bias and other modules alone')


def conv_init(m):
    """For nn.Conv2d: Xavier-uniform weight, bias = 0.1."""
    # - change the parameters in place, without autograd history
    raise NotImplementedError('for a 2-d convolution, draw the weight from the Xavier uniform distribution and set every bias entry to 0.1; leave other modules alone')


def init_from_numpy(net, std=0.5, seed=0):
    """Each nn.Linear weight (modules() order) gets normal(0, std) samples from ONE NumPy generator seeded by seed."""
    # - each weight keeps its dtype and device (NumPy gives float64) and stays the same object; biases are unchanged
    # - change the weights in place, without autograd history
    raise NotImplementedError("replace every linear layer's weight, layer after layer in the order the net lists its modules, with normal samples (mean 0, standard deviation std) from ONE NumPy generator seeded with seed")
