"""Topic 3, initialization: set parameters in place, with nn.init and by hand."""

import numpy as np
import torch
from torch import nn


def init_normal(m):
    """For nn.Linear: weight ~ N(0, 0.01²) (standard deviation 0.01), bias = 0. Other modules: nothing."""
    # BEGIN SOLUTION: for a linear layer, draw the weight from a normal distribution with mean 0 and standard deviation 0.01 and set the bias to zero; leave other modules alone
    # - change the parameters in place, without autograd history
    if isinstance(m, nn.Linear):
        nn.init.normal_(m.weight, mean=0.0, std=0.01)
        if m.bias is not None:
            nn.init.zeros_(m.bias)
    # END SOLUTION


def init_constant(m):
    """For nn.Linear: weight = 1, bias = 0."""
    # BEGIN SOLUTION: for a linear layer, set every weight entry to 1 and the bias to zero; leave other modules alone
    # - change the parameters in place, without autograd history
    if isinstance(m, nn.Linear):
        nn.init.constant_(m.weight, 1.0)
        if m.bias is not None:
            nn.init.zeros_(m.bias)
    # END SOLUTION


def xavier(m):
    """For nn.Linear: Xavier-uniform weight, bound sqrt(6 / (fan_in + fan_out)); bias unchanged."""
    # BEGIN SOLUTION: for a linear layer, draw the weight from the Xavier (Glorot) uniform distribution; leave the bias and other modules alone
    # - change the weight in place, without autograd history
    if isinstance(m, nn.Linear):
        nn.init.xavier_uniform_(m.weight)
    # END SOLUTION


def init_42(m):
    """For nn.Linear: weight = 42; bias unchanged."""
    # BEGIN SOLUTION: for a linear layer, set every weight entry to 42; leave the bias and other modules alone
    # - change the weight in place, without autograd history
    if isinstance(m, nn.Linear):
        nn.init.constant_(m.weight, 42.0)
    # END SOLUTION


def init_mixed(net):
    """net[0] gets `xavier`, net[2] gets `init_42`, every other layer stays as it is."""
    # BEGIN SOLUTION: initialize the first layer of net (index 0) with xavier and the third (index 2) with init_42; leave every other layer as it is
    net[0].apply(xavier)
    net[2].apply(init_42)
    # END SOLUTION


def my_init(m):
    """For nn.Linear: weight ~ U(-10, 10), then every entry with |w| < 5 set to 0; bias unchanged."""
    # BEGIN SOLUTION: for a linear layer, draw the weight uniformly from [-10, 10], then set to zero every entry whose absolute value is below 5; leave the bias and other modules alone
    # - change the weight in place, without autograd history
    if isinstance(m, nn.Linear):
        nn.init.uniform_(m.weight, -10.0, 10.0)
        with torch.no_grad():
            m.weight.mul_(m.weight.abs() >= 5)
    # END SOLUTION


def conv_init(m):
    """For nn.Conv2d: Xavier-uniform weight, bias = 0.1."""
    # BEGIN SOLUTION: for a 2-d convolution, draw the weight from the Xavier uniform distribution and set every bias entry to 0.1; leave other modules alone
    # - change the parameters in place, without autograd history
    if isinstance(m, nn.Conv2d):
        nn.init.xavier_uniform_(m.weight)
        if m.bias is not None:
            nn.init.constant_(m.bias, 0.1)
    # END SOLUTION


def init_from_numpy(net, std=0.5, seed=0):
    """Each nn.Linear weight (modules() order) gets normal(0, std) samples from ONE NumPy generator seeded by seed."""
    # BEGIN SOLUTION: replace every linear layer's weight, layer after layer in the order the net lists its modules, with normal samples (mean 0, standard deviation std) from ONE NumPy generator seeded with seed
    # - each weight keeps its dtype and device (NumPy gives float64) and stays the same object; biases are unchanged
    # - change the weights in place, without autograd history
    rng = np.random.default_rng(seed)
    with torch.no_grad():
        for module in net.modules():
            if isinstance(module, nn.Linear):
                samples = rng.normal(0.0, std, size=tuple(module.weight.shape))
                module.weight.copy_(torch.from_numpy(samples))  # copy_ keeps the weight's dtype and device
    # END SOLUTION
