# Generated from solutions/autograd.py by `make stubs`: replace each NotImplementedError with your code.
"""Topic 7, autograd: backward passes, gradients of intermediates, hooks and inference."""

import torch


def vector_backward(y, v):
    """Back-propagate the non-scalar y with the vector v (same shape), adding into the leaves' .grad."""
    # - the gradients add into the leaves' .grad
    raise NotImplementedError('back-propagate the non-scalar y, with v as the gradient that flows into it')


def backward_twice(x):
    """y, the sum of the squares of x, back-propagated twice through one graph; returns x's gradient (then 4 * x)."""
    # - the first backward pass must leave the graph intact for the second
    # - gradients accumulate over the two passes (the result is 4 * x)
    raise NotImplementedError('build y as the sum of the squares of x, back-propagate it twice through the same graph, return the gradient of x')


def intermediate_grad(x):
    """With h three times x and y the sum of the squares of h: dy/dh, the gradient at the non-leaf h (2 * h)."""
    # - h is not a leaf of the graph; the gradient asked for is at h (2 * h), not at x
    raise NotImplementedError('with h = 3x and y the sum of the squares of h, return the gradient of y with respect to h')


def record_activations(net, X):
    """Run net(X) once; return {dotted name: output} for every leaf module; leave no hook behind."""
    # - no module may keep a hook afterwards, even when the forward pass raises
    raise NotImplementedError("run net on X once; return every leaf module's output (a module without children), keyed by its dotted name")


def predict(net, X):
    """net(X) in eval mode without building a graph; the net's mode afterwards is what it was before."""
    # - the result does not require grad
    # - the net is left in the mode (training or evaluation) it was in before, even when the forward pass raises
    raise NotImplementedError("return net's output for X, computed in evaluation mode without recording an autograd graph")


def numpy_view(a):
    """A tensor that shares memory with the NumPy array a: writing into one changes the other."""
    # - writing into one changes the other; the dtype is a's
    raise NotImplementedError('return a tensor that shares its memory with the NumPy array a (no copy)')


def numpy_copy(a):
    """A tensor with a's values and dtype that does not share memory with a."""
    # - writing into a afterwards leaves the tensor unchanged
    raise NotImplementedError("return a tensor with a's values and dtype that owns its own memory (a copy)")
