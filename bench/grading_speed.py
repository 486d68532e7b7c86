"""How fast grading is, next to a bare `import torch` on the same machine.

    .venv/bin/python bench/grading_speed.py [--repeat 5] [--class-size 10]

Prints the median wall time of:
- `python -c "import torch"`, the floor any PyTorch grader pays;
- `python -m grader --submission solutions`, grading the full catalogue (target: at most
  2.0 times the floor);
- `python -m grader --class DIR` over copies of the solutions, per submission: what
  grading a class costs once the first submission has paid the start-up.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def wall_time(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=REPO, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def median_time(command: list[str], repeat: int) -> float:
    wall_time(command)  # warm the file cache
    return statistics.median(wall_time(command) for _ in range(repeat))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--class-size", type=int, default=10)
    args = parser.parse_args()

    python = sys.executable
    torch_import = median_time([python, "-c", "import torch"], args.repeat)
    grade = median_time([python, "-m", "grader", "--submission", "solutions"], args.repeat)
    with tempfile.TemporaryDirectory() as folder:
        for index in range(args.class_size):
            shutil.copytree(REPO / "solutions", Path(folder) / f"student{index:03}")
        whole_class = median_time([python, "-m", "grader", "--class", folder], max(1, args.repeat // 2))

    print(f"python -c 'import torch'                 {torch_import:7.2f} s")
    print(f"python -m grader --submission solutions  {grade:7.2f} s   ratio {grade / torch_import:.2f} (target <= 2.0)")
    print(f"python -m grader --class ({args.class_size} submissions)   {whole_class:7.2f} s   "
          f"{whole_class / args.class_size:.2f} s per submission")


if __name__ == "__main__":
    main()
