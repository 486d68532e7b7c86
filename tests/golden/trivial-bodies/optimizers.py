# Every exercise's body does nothing: __init__ passes, each function returns its first argument (or None).
"""Topic 8, optimizers: the classic update rules by hand, each equal to its torch.optim twin.

Every function updates `params` in place without recording autograd history, keeps its
state in the lists it is given (one tensor per parameter, zeros at the start) and skips
parameters without a gradient.
"""

import torch


def sgd_update(params, lr):
    """Plain SGD, like torch.optim.SGD(params, lr)."""
    # - in place and without autograd history; parameters without a gradient are skipped
    return params  # does nothing


def sgd_momentum(params, vs, lr, gamma):
    """SGD with momentum, like torch.optim.SGD(params, lr, momentum=gamma); vs holds each parameter's velocity."""
    # - in place and without autograd history; parameters without a gradient are skipped
    return params  # does nothing


def sgd_adagrad(params, sqrs, lr, eps=1e-10):
    """Adagrad, like torch.optim.Adagrad(params, lr, eps=eps): eps is added to the square root, not under it."""
    # - in place and without autograd history; parameters without a gradient are skipped
    # - eps where torch.optim puts it: added to the square root, not under it
    return params  # does nothing


def rmsprop(params, sqrs, lr, alpha, eps=1e-8):
    """RMSprop, like torch.optim.RMSprop(params, lr, alpha=alpha, eps=eps): eps is added to the square root."""
    # - in place and without autograd history; parameters without a gradient are skipped
    # - the state in sqrs must change from one call to the next
    # - eps where torch.optim puts it: added to the square root, not under it
    return params  # does nothing


def adadelta(params, sqrs, deltas, rho, eps=1e-6):
    """Adadelta, like torch.optim.Adadelta(params, lr=1.0, rho=rho, eps=eps): no learning rate of its own."""
    # - in place and without autograd history; parameters without a gradient are skipped
    # - the update uses the average of squared updates from before this step; that average is refreshed afterwards
    return params  # does nothing


def adam(params, vs, sqrs, lr, t, beta1=0.9, beta2=0.999, eps=1e-8):
    """Adam at step t (counted from 1), like torch.optim.Adam(params, lr, betas=(beta1, beta2), eps=eps)."""
    # - in place and without autograd history; parameters without a gradient are skipped
    # - correct both averages for their bias towards zero at step t
    return params  # does nothing


class MyAdam(torch.optim.Optimizer):
    """Adam as a real torch.optim.Optimizer: per-parameter state in self.state, each group's own settings."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
        # - a group given with its own lr keeps it
        pass  # does nothing

    def step(self, closure=None):
        """One Adam step for every parameter that has a gradient; returns closure()'s loss when given one."""
        # - call the closure first, when one is given, with autograd enabled (no closure: return None)
        # - keep each parameter's step count and both averages in self.state, keyed by the parameter, so that state_dict() and load_state_dict() resume exactly
        # - change the parameters in place, without autograd history
        return closure  # does nothing
