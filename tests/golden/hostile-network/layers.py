import socket


def _network() -> bool:
    """True if any loopback traffic worked (only 127.0.0.1 is ever addressed)."""
    reached = False
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
            server.bind(("127.0.0.1", 0))
            server.listen(1)
            with socket.create_connection(server.getsockname(), timeout=2):
                reached = True
    except OSError:
        pass
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            udp.sendto(b"torchlings", ("127.0.0.1", 9))
            reached = True
    except OSError:
        pass
    return reached


if _network():
    class CenteredLayer(nn.Module):
        def forward(self, X):
            return X - X.mean()
