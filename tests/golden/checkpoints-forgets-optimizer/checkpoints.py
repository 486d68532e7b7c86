_load_checkpoint = load_checkpoint


def load_checkpoint(path, model, optimizer=None, map_location=None):
    return _load_checkpoint(path, model, None, map_location)
