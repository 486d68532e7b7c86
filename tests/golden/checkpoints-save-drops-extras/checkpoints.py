_save_checkpoint = save_checkpoint


def save_checkpoint(path, model, optimizer, epoch, **extra):
    _save_checkpoint(path, model, optimizer, epoch)
