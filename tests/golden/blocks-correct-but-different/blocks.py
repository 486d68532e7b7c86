class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.out = nn.Linear(256, 10)  # created in the other order: weights are set by name
        self.hidden = nn.Linear(20, 256)

    def forward(self, X):
        return self.out(torch.relu(self.hidden(X)))


class MySequential(nn.Module):
    def __init__(self, *modules):
        super().__init__()
        for index, module in enumerate(modules):
            self._modules[str(index)] = module

    def forward(self, X):
        for index in range(len(self)):
            X = self[index](X)
        return X

    def __len__(self):
        return len(self._modules)

    def __getitem__(self, index):
        if index < 0:
            index += len(self)
        return self._modules[str(index)]


class FixedHiddenMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer("rand_weight", torch.rand((20, 20)))
        self.linear = nn.Linear(20, 20)

    def forward(self, X):
        hidden = torch.clamp(torch.mm(self.linear(X), self.rand_weight) + 1, min=0)
        X = self.linear(hidden)
        while X.abs().sum() > 1:
            X = X / 2
        return X.sum()


class Parallel(nn.Module):
    def __init__(self, net1, net2):
        super().__init__()
        self.nets = nn.ModuleList([net1, net2])

    def forward(self, X):
        return torch.hstack([net(X) for net in self.nets])


class ModuleNet(nn.Module):
    def __init__(self, num_input, num_hidden, num_output):
        super().__init__()
        self.add_module("layer1", nn.Linear(num_input, num_hidden))
        self.add_module("layer2", nn.Tanh())
        self.add_module("layer3", nn.Linear(num_hidden, num_output))

    def forward(self, X):
        for layer in self.children():
            X = layer(X)
        return X


def named_conv_block():
    block = nn.Sequential()
    block.add_module("conv1", nn.Conv2d(3, 32, kernel_size=3, stride=1, padding=1))
    block.add_module("relu1", nn.ReLU())
    block.add_module("pool", nn.MaxPool2d(kernel_size=2))
    return block


class LeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, kernel_size=5)
        self.conv2 = nn.Conv2d(6, 16, kernel_size=5)
        self.fc1 = nn.Linear(400, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)
        self.pool = nn.MaxPool2d(2)

    def forward(self, X):
        X = self.pool(torch.relu(self.conv1(X)))
        X = self.pool(torch.relu(self.conv2(X)))
        X = X.view(X.size(0), -1)
        return self.fc3(torch.relu(self.fc2(torch.relu(self.fc1(X)))))
