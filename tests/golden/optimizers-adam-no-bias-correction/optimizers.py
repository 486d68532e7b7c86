def adam(params, vs, sqrs, lr, t, beta1=0.9, beta2=0.999, eps=1e-8):
    with torch.no_grad():
        for p, v, s in zip(params, vs, sqrs):
            if p.grad is not None:
                v.mul_(beta1).add_(p.grad, alpha=1 - beta1)
                s.mul_(beta2).addcmul_(p.grad, p.grad, value=1 - beta2)
                p -= lr * v / (s.sqrt() + eps)
