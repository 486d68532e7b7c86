import ctypes


class CenteredLayer(nn.Module):
    def forward(self, X):
        ctypes.string_at(0)
