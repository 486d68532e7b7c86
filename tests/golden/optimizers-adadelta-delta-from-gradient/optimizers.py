def adadelta(params, sqrs, deltas, rho, eps=1e-6):
    with torch.no_grad():
        for p, s, delta in zip(params, sqrs, deltas):
            if p.grad is not None:
                s[:] = rho * s + (1 - rho) * p.grad ** 2
                g = torch.sqrt(delta + eps) / torch.sqrt(s + eps) * p.grad
                p -= g
                delta[:] = rho * delta + (1 - rho) * p.grad ** 2
