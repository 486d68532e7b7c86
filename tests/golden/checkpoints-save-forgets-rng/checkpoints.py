import os

def save_checkpoint(path, model, optimizer, epoch, **extra):
    checkpoint = {"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": epoch, "extra": extra}
    temporary = path + ".tmp"
    torch.save(checkpoint, temporary)
    os.replace(temporary, path)


def load_checkpoint(path, model, optimizer=None, map_location=None):
    checkpoint = torch.load(path, map_location=map_location, weights_only=True)
    model.load_state_dict(checkpoint["model"])
    if optimizer is not None:
        optimizer.load_state_dict(checkpoint["optimizer"])
    if "rng" in checkpoint:
        torch.set_rng_state(checkpoint["rng"]["cpu"].cpu())
    return {"epoch": checkpoint["epoch"], **checkpoint["extra"]}
