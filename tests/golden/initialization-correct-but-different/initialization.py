import math


def init_normal(m):
    if type(m) == nn.Linear:
        with torch.no_grad():
            m.weight.copy_(torch.randn_like(m.weight) * 0.01)
            m.bias.fill_(0)


def init_constant(m):
    if type(m) == nn.Linear:
        m.weight.data.fill_(1.0)
        m.bias.data.zero_()


def _xavier_bound(weight):
    receptive = math.prod(weight.shape[2:])
    return math.sqrt(6.0 / (weight.shape[1] * receptive + weight.shape[0] * receptive))


def xavier(m):
    if type(m) == nn.Linear:
        with torch.no_grad():
            m.weight.uniform_(-_xavier_bound(m.weight), _xavier_bound(m.weight))


def init_42(m):
    if type(m) == nn.Linear:
        with torch.no_grad():
            m.weight[...] = 42


def init_mixed(net):
    xavier(net[0])
    init_42(net[2])


def my_init(m):
    if type(m) == nn.Linear:
        with torch.no_grad():
            w = torch.empty_like(m.weight).uniform_(-10, 10)
            m.weight.copy_(torch.where(w.abs() < 5, torch.zeros_like(w), w))


def conv_init(m):
    if type(m) == nn.Conv2d:
        bound = _xavier_bound(m.weight)
        m.weight.data.uniform_(-bound, bound)
        m.bias.data.fill_(0.1)


def init_from_numpy(net, std=0.5, seed=0):
    rng = np.random.default_rng(seed)
    for m in net.modules():
        if isinstance(m, nn.Linear):
            samples = rng.standard_normal(m.weight.shape) * std
            m.weight.data.copy_(torch.as_tensor(samples, dtype=m.weight.dtype, device=m.weight.device))
