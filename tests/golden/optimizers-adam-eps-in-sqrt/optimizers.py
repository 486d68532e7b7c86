def adam(params, vs, sqrs, lr, t, beta1=0.9, beta2=0.999, eps=1e-8):
    with torch.no_grad():
        for p, v, s in zip(params, vs, sqrs):
            if p.grad is not None:
                v[:] = beta1 * v + (1 - beta1) * p.grad
                s[:] = beta2 * s + (1 - beta2) * p.grad ** 2
                v_hat = v / (1 - beta1 ** t)
                s_hat = s / (1 - beta2 ** t)
                p -= lr * v_hat / torch.sqrt(s_hat + eps)


class MyAdam(torch.optim.Optimizer):
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps))

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
                if not state:
                    state.update(step=0, m=torch.zeros_like(p), v=torch.zeros_like(p))
                state["step"] += 1
                state["m"].lerp_(p.grad, 1 - beta1)
                state["v"].mul_(beta2).addcmul_(p.grad, p.grad, value=1 - beta2)
                m_hat = state["m"] / (1 - beta1 ** state["step"])
                v_hat = state["v"] / (1 - beta2 ** state["step"])
                p -= group["lr"] * m_hat / torch.sqrt(v_hat + group["eps"])
        return loss
