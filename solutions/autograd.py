"""Topic 7, autograd: backward passes, gradients of intermediates, hooks and inference."""

import torch


def vector_backward(y, v):
    """Back-propagate the non-scalar y with the vector v (same shape), adding into the leaves' .grad."""
    # BEGIN SOLUTION: call backward on y, passing v (a non-scalar y needs the vector it is multiplied with)
    y.backward(v)
    # END SOLUTION


def backward_twice(x):
    """y = (x ** 2).sum(); backward twice on the same graph; return x.grad (then 4 * x)."""
    # BEGIN SOLUTION: y = (x ** 2).sum(); call y.backward() twice (the first must keep the graph: retain_graph=True); return x.grad
    y = (x ** 2).sum()
    y.backward(retain_graph=True)  # keep the graph: the second backward needs it
    y.backward()  # gradients accumulate: x.grad is now 2 * (2 * x)
    return x.grad
    # END SOLUTION


def intermediate_grad(x):
    """h = x * 3, y = (h ** 2).sum(); return dy/dh, the gradient at the non-leaf h (2 * h)."""
    # BEGIN SOLUTION: h = x * 3 is not a leaf: call h.retain_grad() before y.backward(), then return h.grad
    h = x * 3
    h.retain_grad()  # a non-leaf keeps its .grad only when asked to
    y = (h ** 2).sum()
    y.backward()
    return h.grad
    # END SOLUTION


def record_activations(net, X):
    """Run net(X) once; return {dotted name: output} for every leaf module; leave no hook behind."""
    # BEGIN SOLUTION: register a forward hook on each leaf module (no children) that stores its output, run net(X), then remove every hook (try/finally)
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
    # BEGIN SOLUTION: remember net.training, net.eval(), compute net(X) under torch.no_grad(), then net.train(the remembered mode)
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
    # BEGIN SOLUTION: torch.from_numpy(a)
    return torch.from_numpy(a)
    # END SOLUTION


def numpy_copy(a):
    """A tensor with a's values and dtype that does not share memory with a."""
    # BEGIN SOLUTION: torch.tensor(a) copies (torch.from_numpy would share)
    return torch.tensor(a)
    # END SOLUTION
