class TiedAutoencoder(nn.Module):
    def __init__(self, d_in, d_hidden):
        super().__init__()
        self.encoder = nn.Linear(d_in, d_hidden)
        self.decoder_weight = nn.Parameter(self.encoder.weight.detach().t().clone())
        self.decoder_bias = nn.Parameter(torch.zeros(d_in))

    def forward(self, X):
        return F.relu(self.encoder(X)) @ self.decoder_weight.t() + self.decoder_bias
