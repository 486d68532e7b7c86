import warnings


def intermediate_grad(x):
    h = x * 3
    y = (h ** 2).sum()
    y.backward()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return h.grad
