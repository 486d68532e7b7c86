def backward_twice(x):
    y = (x ** 2).sum()
    y.backward()
    y.backward()
    return x.grad
