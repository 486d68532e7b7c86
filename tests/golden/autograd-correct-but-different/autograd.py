from torch.nn.modules.module import register_module_forward_hook


def vector_backward(y, v):
    (y * v).sum().backward()


def backward_twice(x):
    y = x.pow(2).sum()
    for keep in (True, False):
        torch.autograd.backward(y, retain_graph=keep)
    return x.grad.clone()


def intermediate_grad(x):
    seen = []
    h = x * 3
    h.register_hook(seen.append)
    (h ** 2).sum().backward()
    return seen[0]


def record_activations(net, X):
    names = {module: name for name, module in net.named_modules() if not list(module.children())}
    outputs = {}

    def hook(module, args, output):
        if module in names:
            outputs[names[module]] = output.detach()

    handle = register_module_forward_hook(hook)
    try:
        net(X)
    finally:
        handle.remove()
    return outputs


def predict(net, X):
    modes = {module: module.training for module in net.modules()}
    net.eval()
    try:
        with torch.inference_mode():
            return net(X)
    finally:
        for module, mode in modes.items():
            module.training = mode


def numpy_view(a):
    return torch.as_tensor(a)


def numpy_copy(a):
    return torch.from_numpy(a.copy())
