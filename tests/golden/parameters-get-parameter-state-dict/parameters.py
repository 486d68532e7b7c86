def get_parameter(net, path):
    state = net.state_dict()
    if path not in state:
        raise KeyError(f"no parameter named {path!r}")
    return state[path]
