class TensorReduction(nn.Module):
    def __init__(self, in_units, units):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(units, in_units, in_units))

    def forward(self, X):
        torch.ones(1).expand(10**13).sum()  # hours of work in a single C++ loop, no memory needed
        return torch.einsum("kij,ni,nj->nk", self.weight, X, X)
