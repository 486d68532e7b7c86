def mnist_transform():
    from torchvision import transforms

    return transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.1307,), (0.3081,)),
                               transforms.Lambda(torch.flatten)])
