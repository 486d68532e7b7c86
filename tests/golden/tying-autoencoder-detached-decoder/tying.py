class TiedAutoencoder(nn.Module):
    def __init__(self, d_in, d_hidden):
        super().__init__()
        self.encoder = nn.Linear(d_in, d_hidden)
        self.decoder_bias = nn.Parameter(torch.zeros(d_in))

    def forward(self, X):
        return F.relu(self.encoder(X)) @ self.encoder.weight.detach() + self.decoder_bias
