def _leaves(y):
    leaves, seen, stack = [], set(), [y.grad_fn]
    while stack:
        node = stack.pop()
        if node is None or node in seen:
            continue
        seen.add(node)
        if hasattr(node, "variable"):
            leaves.append(node.variable)
        stack.extend(next_node for next_node, _ in node.next_functions)
    return leaves


def vector_backward(y, v):
    leaves = _leaves(y)
    for leaf, gradient in zip(leaves, torch.autograd.grad(y, leaves, v)):
        leaf.grad = gradient
