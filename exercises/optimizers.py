# Generated from solutions/optimizers.py by `make stubs`: replace each NotImplementedError with your code.
"""Topic 8, optimizers: the classic update rules by hand, each equal to its torch.optim twin.

Every function updates `params` in place under torch.no_grad(), keeps its state in the
lists it is given (one tensor per parameter, zeros at the start) and skips parameters
whose .grad is None.
"""

import torch


def sgd_update(params, lr):
    """Plain SGD: p -= lr * grad, like torch.optim.SGD(params, lr)."""
    raise NotImplementedError('under torch.no_grad(), for every p whose .grad is not None: p -= lr * p.grad, in place')


def sgd_momentum(params, vs, lr, gamma):
    """SGD with momentum: v = gamma * v + lr * grad; p -= v, like torch.optim.SGD(params, lr, momentum=gamma)."""
    raise NotImplementedError('under torch.no_grad(), for every p with a grad and its v, in place: v = gamma * v + lr * p.grad; p -= v')


def sgd_adagrad(params, sqrs, lr, eps=1e-10):
    """Adagrad: s += grad**2; p -= lr * grad / (sqrt(s) + eps), like torch.optim.Adagrad(params, lr, eps=eps)."""
    raise NotImplementedError('under torch.no_grad(), for every p with a grad and its s, in place: s += g * g; p -= lr * g / (sqrt(s) + eps), eps outside the sqrt')


def rmsprop(params, sqrs, lr, alpha, eps=1e-8):
    """RMSprop: s = alpha * s + (1 - alpha) * grad**2; p -= lr * grad / (sqrt(s) + eps)."""
    raise NotImplementedError('under torch.no_grad(), for every p with a grad and its s, in place: s = alpha * s + (1 - alpha) * g * g; p -= lr * g / (sqrt(s) + eps), eps outside the sqrt')


def adadelta(params, sqrs, deltas, rho, eps=1e-6):
    """Adadelta with lr = 1: s = rho*s + (1-rho)*g**2; g' = sqrt(delta + eps) / sqrt(s + eps) * g;
    p -= g'; delta = rho*delta + (1-rho)*g'**2."""
    raise NotImplementedError("under torch.no_grad(), for every p with a grad, in place: update s; g' = sqrt(delta + eps) / sqrt(s + eps) * g with the OLD delta; p -= g'; then delta = rho*delta + (1-rho)*g'**2")


def adam(params, vs, sqrs, lr, t, beta1=0.9, beta2=0.999, eps=1e-8):
    """Adam at step t (counted from 1): p -= lr * v_hat / (sqrt(s_hat) + eps) with bias-corrected moments."""
    raise NotImplementedError('under torch.no_grad(), in place: v = b1*v + (1-b1)*g; s = b2*s + (1-b2)*g*g; v_hat = v / (1 - b1**t); s_hat = s / (1 - b2**t); p -= lr * v_hat / (sqrt(s_hat) + eps)')


class MyAdam(torch.optim.Optimizer):
    """Adam as a real torch.optim.Optimizer: per-parameter state in self.state, each group's own settings."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
        raise NotImplementedError('put lr, betas and eps in a defaults dict and call super().__init__(params, defaults)')

    def step(self, closure=None):
        """One Adam step for every parameter that has a gradient; returns closure()'s loss when given one."""
        raise NotImplementedError("loss = closure() under torch.enable_grad() if given; then under torch.no_grad(), for each group and each p with a grad: keep step, exp_avg, exp_avg_sq in self.state[p] and use the GROUP's lr, betas, eps; return loss")
