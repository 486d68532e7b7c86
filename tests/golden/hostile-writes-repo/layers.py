from pathlib import Path

import grader

_REPO = Path(grader.__file__).resolve().parents[1]


def _plant() -> bool:
    """True if any write into the repository worked (whatever it created is removed again)."""
    breached = False
    new_files = [
        _REPO / "tests" / "topics" / "conftest.py",
        _REPO / "grader" / "hostile_planted.py",
        _REPO / "grader" / "__pycache__" / "hostile_planted.cpython-311.pyc",
        _REPO / "solutions" / "__pycache__" / "layers.cpython-311.pyc",
        _REPO / "tests" / "topics" / "__pycache__" / "hostile_planted.pyc",
    ]
    for path in new_files:
        try:
            with open(path, "x") as stream:
                stream.write("raise SystemExit('planted')\n")
        except OSError:
            continue
        breached = True
        path.unlink()
    for path in [*(_REPO / "grader").glob("*.py"), _REPO / "tests" / "suite" / "schemas" / "report.json"]:
        try:
            with open(path, "a"):  # opened for appending, nothing written
                breached = True
        except OSError:
            pass
    return breached


if _plant():
    class CenteredLayer(nn.Module):
        def forward(self, X):
            return X - X.mean()
