"""What `make grade` installs, and how long it takes: the default build of torch and the CPU build
(`TORCH_INDEX=cpu`), each into a fresh venv made by the Makefile's own rule.

    python bench/install_size.py [--variant default] [--variant cpu]   (default: both)

Prints each variant's seconds and size, and of that size what torch and NVIDIA's wheels take.
The CPU variant first checks that PyTorch's CPU index answers: where it does not, pip would fall
back to PyPI's default build, and the run would measure the wrong thing, so it is skipped, saying
so. The default variant downloads several GB on Linux. Nothing is kept: the venvs are removed.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CPU_INDEX = "https://download.pytorch.org/whl/cpu"


def size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink()) if path.exists() else 0


def reachable(url: str) -> str | None:
    """None where `url` answers; else why not."""
    try:
        with urllib.request.urlopen(f"{url}/torch/", timeout=15) as response:
            response.read(1)
        return None
    except Exception as error:  # noqa: BLE001 - whatever it is, the index cannot be used
        return f"{type(error).__name__}: {error}"


def measure(variant: str, workdir: Path) -> None:
    if variant == "cpu":
        problem = reachable(CPU_INDEX)
        if problem:
            print(f"cpu: skipped, {CPU_INDEX} does not answer here ({problem})")
            return
    venv = workdir / variant
    command = ["make", "--no-print-directory", f"VENV={venv}", f"{venv}/.installed",
               *(["TORCH_INDEX=cpu"] if variant == "cpu" else [])]
    started = time.monotonic()
    process = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
    seconds = time.monotonic() - started
    if process.returncode != 0:
        print(f"{variant}: the install failed after {seconds:.0f} s:\n{process.stderr[-2000:]}")
        return
    site = next(venv.glob("lib/python*/site-packages"))
    gib = 1 << 30
    print(f"{variant}: {seconds:.0f} s, {size(venv) / gib:.2f} GiB "
          f"(torch {size(site / 'torch') / gib:.2f} GiB, nvidia {size(site / 'nvidia') / gib:.2f} GiB)")
    shutil.rmtree(venv, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variant", action="append", choices=["default", "cpu"])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="torchlings-install-") as workdir:
        for variant in args.variant or ["default", "cpu"]:
            measure(variant, Path(workdir))


if __name__ == "__main__":
    sys.exit(main())
