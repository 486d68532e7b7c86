def sgd_adagrad(params, sqrs, lr, eps=1e-10):
    with torch.no_grad():
        for p, s in zip(params, sqrs):
            if p.grad is not None:
                s += p.grad ** 2
                p -= lr * p.grad / torch.sqrt(s + eps)
