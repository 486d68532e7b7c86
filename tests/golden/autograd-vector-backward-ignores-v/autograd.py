def vector_backward(y, v):
    y.sum().backward()
