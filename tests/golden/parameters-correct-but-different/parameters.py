def param_shapes(net):
    shapes = []
    for name, parameter in net.named_parameters():
        shapes.append((name, torch.Size(list(parameter.size()))))
    return shapes


def block1():
    net = nn.Sequential()
    for layer in (nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 4), nn.ReLU()):
        net.append(layer)
    return net


def block2():
    from collections import OrderedDict
    return nn.Sequential(OrderedDict((f"block {i}", block1()) for i in range(4)))


def rgnet():
    net = nn.Sequential()
    net.add_module("0", block2())
    net.add_module("1", nn.Linear(4, 1))
    return net


def get_parameter(net, path):
    *module_names, leaf = path.split(".")
    module = net
    try:
        for name in module_names:
            module = module._modules[name]
        parameter = module._parameters[leaf]
    except (KeyError, AttributeError, TypeError):
        parameter = None
    if parameter is None:
        raise KeyError(f"{path} is not a parameter of this network")
    return parameter


def count_parameters(net, trainable_only=False):
    seen = {}
    for _, parameter in net.named_parameters(remove_duplicate=False):
        if not trainable_only or parameter.requires_grad:
            seen[id(parameter)] = parameter.numel()
    return int(sum(seen.values()))


def linear_layers(net):
    seen, found = set(), []

    def walk(module):
        if id(module) in seen:
            return
        seen.add(id(module))
        if isinstance(module, nn.Linear):
            found.append(module)
        for child in module.children():
            walk(child)

    walk(net)
    return found


def freeze(net, prefixes):
    prefixes = (prefixes,) if isinstance(prefixes, str) else tuple(prefixes)
    for name, parameter in net.named_parameters():
        if name.startswith(prefixes) and parameter.requires_grad:
            parameter.requires_grad = False
