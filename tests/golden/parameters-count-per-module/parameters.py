def count_parameters(net, trainable_only=False):
    return sum(p.numel() for module in net.modules() for p in module.parameters(recurse=False)
               if p.requires_grad or not trainable_only)
