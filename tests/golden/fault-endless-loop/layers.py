class CenteredLayer(nn.Module):
    def forward(self, X):
        while True:
            pass
