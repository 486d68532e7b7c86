def try_gpu(i=0):
    return torch.device(f"cuda:{i}")


def try_all_gpus():
    return [f"cuda:{i}" for i in range(torch.cuda.device_count())] or ["cpu"]
