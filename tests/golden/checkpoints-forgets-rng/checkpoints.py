import contextlib
import os

def save_checkpoint(path, model, optimizer, epoch, **extra):
    checkpoint = {"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": epoch, "extra": extra}
    temporary = path + ".tmp"
    try:
        torch.save(checkpoint, temporary)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(temporary)
        raise


def load_checkpoint(path, model, optimizer=None, map_location=None):
    checkpoint = torch.load(path, map_location=map_location, weights_only=True)
    model.load_state_dict(checkpoint["model"])
    if optimizer is not None:
        optimizer.load_state_dict(checkpoint["optimizer"])
    return {"epoch": checkpoint["epoch"], **checkpoint["extra"]}
