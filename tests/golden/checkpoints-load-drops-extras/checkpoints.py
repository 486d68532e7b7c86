_load_checkpoint = load_checkpoint


def load_checkpoint(path, model, optimizer=None, map_location=None):
    return {"epoch": _load_checkpoint(path, model, optimizer, map_location)["epoch"]}
