"""Topic 8, optimizers: the classic update rules by hand, each equal to its torch.optim twin.

Every function updates `params` in place without recording autograd history, keeps its
state in the lists it is given (one tensor per parameter, zeros at the start) and skips
parameters without a gradient.
"""

import torch


def sgd_update(params, lr):
    """Plain SGD, like torch.optim.SGD(params, lr)."""
    # BEGIN SOLUTION: take one plain gradient-descent step of size lr on every parameter
    # - in place and without autograd history; parameters without a gradient are skipped
    with torch.no_grad():
        for p in params:
            if p.grad is not None:
                p.sub_(lr * p.grad)
    # END SOLUTION


def sgd_momentum(params, vs, lr, gamma):
    """SGD with momentum, like torch.optim.SGD(params, lr, momentum=gamma); vs holds each parameter's velocity."""
    # BEGIN SOLUTION: take one SGD step with momentum gamma, keeping each parameter's velocity in vs, exactly as torch.optim.SGD with momentum=gamma does
    # - in place and without autograd history; parameters without a gradient are skipped
    with torch.no_grad():
        for p, v in zip(params, vs):
            if p.grad is not None:
                v.mul_(gamma).add_(p.grad)  # torch.optim's momentum buffer (and the book's v)
                p.sub_(lr * v)
    # END SOLUTION


def sgd_adagrad(params, sqrs, lr, eps=1e-10):
    """Adagrad, like torch.optim.Adagrad(params, lr, eps=eps): eps is added to the square root, not under it."""
    # BEGIN SOLUTION: take one Adagrad step, keeping each parameter's sum of squared gradients in sqrs, exactly as torch.optim.Adagrad does
    # - in place and without autograd history; parameters without a gradient are skipped
    # - eps where torch.optim puts it: added to the square root, not under it
    with torch.no_grad():
        for p, s in zip(params, sqrs):
            if p.grad is not None:
                s.addcmul_(p.grad, p.grad)
                p.addcdiv_(p.grad, s.sqrt().add_(eps), value=-lr)
    # END SOLUTION


def rmsprop(params, sqrs, lr, alpha, eps=1e-8):
    """RMSprop, like torch.optim.RMSprop(params, lr, alpha=alpha, eps=eps): eps is added to the square root."""
    # BEGIN SOLUTION: take one RMSprop step, keeping each parameter's moving average of squared gradients in sqrs, exactly as torch.optim.RMSprop does
    # - in place and without autograd history; parameters without a gradient are skipped
    # - the state in sqrs must change from one call to the next
    # - eps where torch.optim puts it: added to the square root, not under it
    with torch.no_grad():
        for p, s in zip(params, sqrs):
            if p.grad is not None:
                s.mul_(alpha).addcmul_(p.grad, p.grad, value=1 - alpha)
                p.addcdiv_(p.grad, s.sqrt().add_(eps), value=-lr)
    # END SOLUTION


def adadelta(params, sqrs, deltas, rho, eps=1e-6):
    """Adadelta, like torch.optim.Adadelta(params, lr=1.0, rho=rho, eps=eps): no learning rate of its own."""
    # BEGIN SOLUTION: take one Adadelta step (learning rate 1), keeping each parameter's moving averages of squared gradients in sqrs and of squared updates in deltas, exactly as torch.optim.Adadelta does
    # - in place and without autograd history; parameters without a gradient are skipped
    # - the update uses the average of squared updates from before this step; that average is refreshed afterwards
    with torch.no_grad():
        for p, s, delta in zip(params, sqrs, deltas):
            if p.grad is not None:
                g = p.grad
                s.mul_(rho).addcmul_(g, g, value=1 - rho)
                rescaled = (delta + eps).sqrt().div_((s + eps).sqrt()).mul_(g)
                p.sub_(rescaled)
                delta.mul_(rho).addcmul_(rescaled, rescaled, value=1 - rho)
    # END SOLUTION


def adam(params, vs, sqrs, lr, t, beta1=0.9, beta2=0.999, eps=1e-8):
    """Adam at step t (counted from 1), like torch.optim.Adam(params, lr, betas=(beta1, beta2), eps=eps)."""
    # BEGIN SOLUTION: take Adam step t (counted from 1), keeping each parameter's moving averages of the gradient in vs and of its square in sqrs, exactly as torch.optim.Adam does
    # - in place and without autograd history; parameters without a gradient are skipped
    # - correct both averages for their bias towards zero at step t
    with torch.no_grad():
        for p, v, s in zip(params, vs, sqrs):
            if p.grad is not None:
                g = p.grad
                v.mul_(beta1).add_(g, alpha=1 - beta1)
                s.mul_(beta2).addcmul_(g, g, value=1 - beta2)
                v_hat = v / (1 - beta1**t)
                s_hat = s / (1 - beta2**t)
                p.sub_(lr * v_hat / (s_hat.sqrt() + eps))
    # END SOLUTION


class MyAdam(torch.optim.Optimizer):
    """Adam as a real torch.optim.Optimizer: per-parameter state in self.state, each group's own settings."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
        # BEGIN SOLUTION: set the optimizer up with lr, betas and eps as the default settings of every parameter group
        # - a group given with its own lr keeps it
        defaults = dict(lr=lr, betas=betas, eps=eps)
        super().__init__(params, defaults)
        # END SOLUTION

    def step(self, closure=None):
        """One Adam step for every parameter that has a gradient; returns closure()'s loss when given one."""
        # BEGIN SOLUTION: take one Adam step for every parameter with a gradient, in every group, with that group's own lr, betas and eps; return the closure's loss
        # - call the closure first, when one is given, with autograd enabled (no closure: return None)
        # - keep each parameter's step count and both averages in self.state, keyed by the parameter, so that state_dict() and load_state_dict() resume exactly
        # - change the parameters in place, without autograd history
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        with torch.no_grad():
            for group in self.param_groups:
                beta1, beta2 = group["betas"]
                for p in group["params"]:
                    if p.grad is None:
                        continue
                    state = self.state[p]
                    if not state:
                        state["step"] = 0
                        state["exp_avg"] = torch.zeros_like(p)
                        state["exp_avg_sq"] = torch.zeros_like(p)
                    state["step"] += 1
                    t = state["step"]
                    state["exp_avg"].mul_(beta1).add_(p.grad, alpha=1 - beta1)
                    state["exp_avg_sq"].mul_(beta2).addcmul_(p.grad, p.grad, value=1 - beta2)
                    v_hat = state["exp_avg"] / (1 - beta1**t)
                    s_hat = state["exp_avg_sq"] / (1 - beta2**t)
                    p.sub_(group["lr"] * v_hat / (s_hat.sqrt() + group["eps"]))
        return loss
        # END SOLUTION
