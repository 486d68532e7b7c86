# Generated from solutions/autograd.py by `make stubs`: replace each NotImplementedError with your code.
"""Topic 7, autograd: backward passes, gradients of intermediates, hooks and inference."""

import torch


def vector_backward(y, v):
    """Back-propagate the non-scalar y with the vector v (same shape), adding into the leaves' .grad."""
    raise NotImplementedError('call backward on y, passing v (a non-scalar y needs the vector it is multiplied with)')


def backward_twice(x):
    """y = (x ** 2).sum(); backward twice on the same graph; return x.grad (then 4 * x)."""
    raise NotImplementedError('y = (x ** 2).sum(); call y.backward() twice (the first must keep the graph: retain_graph=True); return x.grad')


def intermediate_grad(x):
    """h = x * 3, y = (h ** 2).sum(); return dy/dh, the gradient at the non-leaf h (2 * h)."""
    raise NotImplementedError('h = x * 3 is not a leaf: call h.retain_grad() before y.backward(), then return h.grad')


def record_activations(net, X):
    """Run net(X) once; return {dotted name: output} for every leaf module; leave no hook behind."""
    raise NotImplementedError('register a forward hook on each leaf module (no children) that stores its output, run net(X), then remove every hook (try/finally)')


def predict(net, X):
    """net(X) in eval mode without building a graph; the net's mode afterwards is what it was before."""
    raise NotImplementedError('remember net.training, net.eval(), compute net(X) under torch.no_grad(), then net.train(the remembered mode)')


def numpy_view(a):
    """A tensor that shares memory with the NumPy array a: writing into one changes the other."""
    raise NotImplementedError('torch.from_numpy(a)')


def numpy_copy(a):
    """A tensor with a's values and dtype that does not share memory with a."""
    raise NotImplementedError('torch.tensor(a) copies (torch.from_numpy would share)')
