class CenteredLayer(nn.Module):
    def forward(self, X):
        X -= X.mean()
        return X
