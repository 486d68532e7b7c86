def fake_mnist(n, seed=0):
    from torchvision import datasets

    return datasets.FakeData(size=n, image_size=(1, 28, 28), num_classes=10, transform=mnist_transform())
