# Every exercise's body does nothing: __init__ passes, each function returns its first argument (or None).
"""Topic 7, autograd: backward passes, gradients of intermediates, hooks and inference."""

import torch


def vector_backward(y, v):
    """Back-propagate the non-scalar y with the vector v (same shape), adding into the leaves' .grad."""
    # - the gradients add into the leaves' .grad
    return y  # does nothing


def backward_twice(x):
    """y, the sum of the squares of x, back-propagated twice through one graph; returns x's gradient (then 4 * x)."""
    # - the first backward pass must leave the graph intact for the second
    # - gradients accumulate over the two passes (the result is 4 * x)
    return x  # does nothing


def intermediate_grad(x):
    """With h three times x and y the sum of the squares of h: dy/dh, the gradient at the non-leaf h (2 * h)."""
    # - h is not a leaf of the graph; the gradient asked for is at h (2 * h), not at x
    return x  # does nothing


def record_activations(net, X):
    """Run net(X) once; return {dotted name: output} for every leaf module; leave no hook behind."""
    # - no module may keep a hook afterwards, even when the forward pass raises
    return net  # does nothing


def predict(net, X):
    """net(X) in eval mode without building a graph; the net's mode afterwards is what it was before."""
    # - the result does not require grad
    # - the net is left in the mode (training or evaluation) it was in before, even when the forward pass raises
    return net  # does nothing


def numpy_view(a):
    """A tensor that shares memory with the NumPy array a: writing into one changes the other."""
    # - writing into one changes the other; the dtype is a's
    return a  # does nothing


def numpy_copy(a):
    """A tensor with a's values and dtype that does not share memory with a."""
    # - writing into a afterwards leaves the tensor unchanged
    return a  # does nothing
