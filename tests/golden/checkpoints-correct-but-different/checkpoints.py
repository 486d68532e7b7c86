import os
import tempfile
import io
import random
from pathlib import Path


def save_tensors(obj, path):
    with open(path, "wb") as file:
        torch.save(obj, file)


def load_tensors(path):
    with open(path, "rb") as file:
        return torch.load(file, map_location="cpu", weights_only=True)


def save_params(net, path):
    torch.save(dict(net.state_dict()), Path(path))


def load_params(net, path):
    device = next(net.parameters()).device
    net.load_state_dict(torch.load(Path(path), map_location=device, weights_only=True), strict=True)
    return net.eval()


def save_checkpoint(path, model, optimizer, epoch, **extra):
    buffer = io.BytesIO()
    torch.save({
        "format": 2,
        "state": {"model": model.state_dict(), "optimizer": optimizer.state_dict()},
        "meta": {"epoch": epoch, **{f"extra/{key}": value for key, value in extra.items()}},
        "torch_rng": torch.random.get_rng_state(),
        "python_rng": random.getstate(),
    }, buffer)  # pickling fails here, before the file is touched
    target = Path(path)
    with tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as file:
        file.write(buffer.getvalue())
    os.replace(file.name, target)


def load_checkpoint(path, model, optimizer=None, map_location=None):
    checkpoint = torch.load(path, map_location=map_location or "cpu", weights_only=True)
    model.load_state_dict(checkpoint["state"]["model"])
    if optimizer:
        optimizer.load_state_dict(checkpoint["state"]["optimizer"])
    torch.random.set_rng_state(checkpoint["torch_rng"].to("cpu"))
    random.setstate(checkpoint["python_rng"])
    result = {key.removeprefix("extra/"): value for key, value in checkpoint["meta"].items()}
    result["format"] = checkpoint["format"]
    return result


def save_model(net, path):
    with open(path, "wb") as file:
        torch.save(net, file, pickle_protocol=4)


def load_model(path):
    return torch.load(path, map_location="cpu", weights_only=False)
