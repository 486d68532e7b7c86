def mnist_transform():
    from torchvision import transforms

    return transforms.Compose([transforms.ToTensor(), transforms.Lambda(lambda x: x.reshape(-1))])
