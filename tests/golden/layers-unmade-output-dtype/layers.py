class TensorReduction(nn.Module):
    def __init__(self, in_units, units):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(units, in_units, in_units))

    def forward(self, X):
        Y = torch.zeros(X.shape[0], self.weight.shape[0])
        for k in range(self.weight.shape[0]):
            Y[:, k] = (X @ self.weight[k] * X).sum(dim=1)
        return Y
