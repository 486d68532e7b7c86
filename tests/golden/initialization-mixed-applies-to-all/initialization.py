def init_mixed(net):
    net.apply(xavier)
    net.apply(init_42)
