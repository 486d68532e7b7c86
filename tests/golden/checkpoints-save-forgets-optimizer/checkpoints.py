_save_checkpoint = save_checkpoint


class _NoState:
    def state_dict(self):
        return {}


def save_checkpoint(path, model, optimizer, epoch, **extra):
    _save_checkpoint(path, model, _NoState(), epoch, **extra)


def load_checkpoint(path, model, optimizer=None, map_location=None):
    checkpoint = torch.load(path, map_location=map_location, weights_only=True)
    model.load_state_dict(checkpoint["model"])
    if optimizer is not None and checkpoint["optimizer"]:
        optimizer.load_state_dict(checkpoint["optimizer"])
    torch.set_rng_state(checkpoint["rng"]["cpu"].cpu())
    return {"epoch": checkpoint["epoch"], **checkpoint["extra"]}
