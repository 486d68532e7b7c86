"""Topic 7, autograd: backward passes, gradients of intermediates, hooks and inference."""

import torch


def vector_backward(y, v):
    """Back-propagate the non-scalar y with the vector v (same shape), adding into the leaves' .grad."""
    # BEGIN SOLUTION: back-propagate the non-scalar y, with v as the gradient that flows into it
    # - the gradients add into the leaves' .grad
    y.backward(v)
    # END SOLUTION


def backward_twice(x):
    """y, the sum of the squares of x, back-propagated twice through one graph; returns x's gradient (then 4 * x)."""
    # BEGIN SOLUTION: build y as the sum of the squares of x, back-propagate it twice through the same graph, return the gradient of x
    # - the first backward pass must leave the graph intact for the second
    # - gradients accumulate over the two passes (the result is 4 * x)
    y = (x ** 2).sum()
    y.backward(retain_graph=True)  # keep the graph: the second backward needs it
    y.backward()  # gradients accumulate: x.grad is now 2 * (2 * x)
    return x.grad
    # END SOLUTION


def intermediate_grad(x):
    """With h three times x and y the sum of the squares of h: dy/dh, the gradient at the non-leaf h (2 * h)."""
    # BEGIN SOLUTION: with h = 3x and y the sum of the squares of h, return the gradient of y with respect to h
    # - h is not a leaf of the graph; the gradient asked for is at h (2 * h), not at x
    h = x * 3
    h.retain_grad()  # a non-leaf keeps its .grad only when asked to
    y = (h ** 2).sum()
    y.backward()
    return h.grad
    # END SOLUTION


def record_activations(net, X):
    """Run net(X) once; return {dotted name: output} for every leaf module; leave no hook behind."""
    # BEGIN SOLUTION: run net on X once; return every leaf module's output (a module without children), keyed by its dotted name
    # - no module may keep a hook afterwards, even when the forward pass raises
    activations = {}
    handles = []

    def recorder(name):
        def hook(module, inputs, output):
            activations[name] = output
        return hook

    try:
        for name, module in net.named_modules():
            if next(module.children(), None) is None:
                handles.append(module.register_forward_hook(recorder(name)))
        net(X)
    finally:
        for handle in handles:
            handle.remove()
    return activations
    # END SOLUTION


def predict(net, X):
    """net(X) in eval mode without building a graph; the net's mode afterwards is what it was before."""
    # BEGIN SOLUTION: return net's output for X, computed in evaluation mode without recording an autograd graph
    # - the result does not require grad
    # - the net is left in the mode (training or evaluation) it was in before, even when the forward pass raises
    was_training = net.training
    net.eval()
    try:
        with torch.no_grad():
            return net(X)
    finally:
        net.train(was_training)
    # END SOLUTION


def numpy_view(a):
    """A tensor that shares memory with the NumPy array a: writing into one changes the other."""
    # BEGIN SOLUTION: return a tensor that shares its memory with the NumPy array a (no copy)
    # - writing into one changes the other; the dtype is a's
    return torch.from_numpy(a)
    # END SOLUTION


def numpy_copy(a):
    """A tensor with a's values and dtype that does not share memory with a."""
    # BEGIN SOLUTION: return a tensor with a's values and dtype that owns its own memory (a copy)
    # - writing into a afterwards leaves the tensor unchanged
    return torch.tensor(a)
    # END SOLUTION
