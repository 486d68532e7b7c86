"""How fast grading is, next to a bare `import torch` on the same machine.

    .venv/bin/python bench/grading_speed.py [--repeat 5] [--class-size 10]

Prints the median wall time of:
- `python -c "import torch"`, the floor any PyTorch grader pays;
- `python -m grader --submission solutions`, grading the full catalogue (target: at most
  2.0 times the floor), run by turns with the floor: the ratio is the median of the pairs';
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


def paired_times(first: list[str], second: list[str], repeat: int) -> tuple[list[float], list[float]]:
    """Wall times of `first` and `second`, run by turns (this machine's speed drifts over
    minutes, so that each pair is timed at the same speed)."""
    wall_time(first), wall_time(second)  # warm the file cache
    pairs = [(wall_time(first), wall_time(second)) for _ in range(repeat)]
    return [a for a, _ in pairs], [b for _, b in pairs]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--class-size", type=int, default=10)
    args = parser.parse_args()

    python = sys.executable
    floors, grades = paired_times([python, "-c", "import torch"],
                                  [python, "-m", "grader", "--submission", "solutions"], args.repeat)
    ratios = [grade / floor for floor, grade in zip(floors, grades)]
    with tempfile.TemporaryDirectory() as folder:
        for index in range(args.class_size):
            shutil.copytree(REPO / "solutions", Path(folder) / f"student{index:03}")
        whole_class = median_time([python, "-m", "grader", "--class", folder], max(1, args.repeat // 2))

    print(f"python -c 'import torch'                 {statistics.median(floors):7.2f} s")
    print(f"python -m grader --submission solutions  {statistics.median(grades):7.2f} s   "
          f"ratio {statistics.median(ratios):.2f} (target <= 2.0; median of {args.repeat} pairs run by turns, "
          f"{min(ratios):.2f} to {max(ratios):.2f})")
    print(f"python -m grader --class ({args.class_size} submissions)   {whole_class:7.2f} s   "
          f"{whole_class / args.class_size:.2f} s per submission")


if __name__ == "__main__":
    main()
