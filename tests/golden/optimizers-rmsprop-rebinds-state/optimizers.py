def rmsprop(params, sqrs, lr, alpha, eps=1e-8):
    with torch.no_grad():
        for p, s in zip(params, sqrs):
            if p.grad is not None:
                s = alpha * s + (1 - alpha) * p.grad ** 2
                p -= lr * p.grad / (torch.sqrt(s) + eps)
