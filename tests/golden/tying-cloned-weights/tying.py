def tied_mlp():
    shared = nn.Linear(8, 8)
    again = nn.Linear(8, 8)
    again.weight = nn.Parameter(shared.weight.detach().clone())
    again.bias = nn.Parameter(shared.bias.detach().clone())
    return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), shared, nn.ReLU(), again, nn.ReLU(), nn.Linear(8, 1))
