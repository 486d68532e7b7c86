def tied_mlp():
    shared = nn.Linear(8, 8)
    relu = nn.ReLU()
    layers = [nn.Linear(4, 8), relu]
    for _ in range(2):
        layers += [shared, relu]
    return nn.Sequential(*layers, nn.Linear(8, 1))


def tied_pairs(net):
    named = list(net.named_parameters(remove_duplicate=False))
    pairs = []
    for index, (name, parameter) in enumerate(named):
        for earlier_name, earlier in named[:index]:
            if earlier is parameter:
                pairs.append((earlier_name, name))
                break
    return pairs


class TiedAutoencoder(nn.Module):
    def __init__(self, d_in, d_hidden):
        super().__init__()
        self.encoder = nn.Linear(d_in, d_hidden)
        self.register_parameter("decoder_bias", nn.Parameter(torch.zeros(d_in)))

    def forward(self, X):
        hidden = torch.relu(self.encoder(X))
        return F.linear(hidden, self.encoder.weight.t(), self.decoder_bias)
