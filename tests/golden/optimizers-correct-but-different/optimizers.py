import math


def sgd_update(params, lr):
    for p in params:
        if p.grad is None:
            continue
        p.data.add_(p.grad.data, alpha=-lr)


def sgd_momentum(params, vs, lr, gamma):
    # v without the lr inside: the same steps for a constant lr
    for i, p in enumerate(params):
        if p.grad is not None:
            vs[i] = gamma * vs[i] + p.grad
            p.data -= lr * vs[i]


def sgd_adagrad(params, sqrs, lr, eps=1e-10):
    with torch.no_grad():
        for i, p in enumerate(params):
            if p.grad is None:
                continue
            sqrs[i] = sqrs[i] + torch.square(p.grad)
            p.copy_(p - lr * p.grad / (torch.sqrt(sqrs[i]) + eps))


def rmsprop(params, sqrs, lr, alpha, eps=1e-8):
    with torch.no_grad():
        for p, s in zip(params, sqrs):
            if p.grad is not None:
                s.lerp_(p.grad * p.grad, 1 - alpha)
                p.sub_(lr * p.grad / (s.sqrt() + eps))


def adadelta(params, sqrs, deltas, rho, eps=1e-6):
    for p, s, delta in zip(params, sqrs, deltas):
        if p.grad is None:
            continue
        with torch.no_grad():
            s[:] = rho * s + (1 - rho) * torch.square(p.grad)
            g = (torch.sqrt(delta + eps) / torch.sqrt(s + eps)) * p.grad
            p[:] -= g
            delta[:] = rho * delta + (1 - rho) * g * g


def adam(params, vs, sqrs, lr, t, beta1=0.9, beta2=0.999, eps=1e-8):
    # torch.optim.Adam's own arithmetic: bias corrections folded into the step size and denominator
    step_size = lr / (1 - beta1 ** t)
    correction2 = math.sqrt(1 - beta2 ** t)
    with torch.no_grad():
        for p, v, s in zip(params, vs, sqrs):
            if p.grad is not None:
                v.lerp_(p.grad, 1 - beta1)
                s.mul_(beta2).addcmul_(p.grad, p.grad.conj(), value=1 - beta2)
                p.addcdiv_(v, (s.sqrt() / correction2).add_(eps), value=-step_size)


class MyAdam(torch.optim.Optimizer):
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
        super().__init__(params, {"lr": lr, "betas": betas, "eps": eps, "note": "an extra default"})

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = torch.tensor(0.0)
                    state["exp_avg"] = torch.zeros_like(p, memory_format=torch.preserve_format)
                    state["exp_avg_sq"] = torch.zeros_like(p, memory_format=torch.preserve_format)
                state["step"] += 1
                t = state["step"].item()
                state["exp_avg"].lerp_(p.grad, 1 - beta1)
                state["exp_avg_sq"].mul_(beta2).addcmul_(p.grad, p.grad, value=1 - beta2)
                denom = (state["exp_avg_sq"].sqrt() / math.sqrt(1 - beta2 ** t)).add_(group["eps"])
                p.addcdiv_(state["exp_avg"], denom, value=-group["lr"] / (1 - beta1 ** t))
        return loss
