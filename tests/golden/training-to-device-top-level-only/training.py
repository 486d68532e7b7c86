def to_device(obj, device):
    move = lambda value: value.to(device) if isinstance(value, torch.Tensor) else value
    if isinstance(obj, dict):
        return {key: move(value) for key, value in obj.items()}
    if isinstance(obj, (list, tuple)):
        return type(obj)(move(value) for value in obj)
    return move(obj)
