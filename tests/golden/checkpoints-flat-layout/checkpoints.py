import os
import tempfile

def save_checkpoint(path, model, optimizer, epoch, **extra):
    checkpoint = {"model_state": model.state_dict(), "optim_state": optimizer.state_dict(),
                  "torch_rng": torch.get_rng_state(), "epoch": epoch, "extra_keys": list(extra), **extra}
    directory = os.path.dirname(os.path.abspath(path))
    with tempfile.NamedTemporaryFile(dir=directory, delete=False) as file:
        torch.save(checkpoint, file)
    try:
        os.replace(file.name, path)
    except BaseException:
        os.remove(file.name)
        raise


def load_checkpoint(path, model, optimizer=None, map_location=None):
    checkpoint = torch.load(path, map_location=map_location, weights_only=True)
    model.load_state_dict(checkpoint["model_state"])
    if optimizer is not None:
        optimizer.load_state_dict(checkpoint["optim_state"])
    torch.set_rng_state(checkpoint["torch_rng"].cpu())
    return {"epoch": checkpoint["epoch"], **{key: checkpoint[key] for key in checkpoint["extra_keys"]}}
