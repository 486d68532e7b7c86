def sgd_momentum(params, vs, lr, gamma):
    with torch.no_grad():
        for p, v in zip(params, vs):
            if p.grad is not None:
                v[:] = gamma * v + (1 - gamma) * lr * p.grad
                p -= v
