import os
import tempfile
from pathlib import Path

import grader

_REPO = Path(grader.__file__).resolve().parents[1]


def _fill() -> bool:
    """True if a file grew past 64 MiB, or anything was written outside TMPDIR (and removed)."""
    breached = False
    chunk = b"\0" * (1 << 20)
    try:
        with open(os.path.join(tempfile.gettempdir(), "big"), "wb") as stream:
            for _ in range(96):
                stream.write(chunk)
                stream.flush()
            breached = True
    except OSError:
        pass
    for place in ("/tmp", "/var/tmp", str(_REPO)):
        path = Path(place) / f"torchlings-hostile-{os.getpid()}"
        try:
            path.write_bytes(chunk)
            breached = True
            path.unlink()
        except OSError:
            pass
    return breached


if _fill():
    class CenteredLayer(nn.Module):
        def forward(self, X):
            return X - X.mean()
