"""How long a topic with an endless loop in one `forward` takes to grade, next to the correct topic.

    .venv/bin/python bench/endless_loop.py [--topic blocks] [--timeout 10] [--repeat 1]

Grades, in one run and one after another, two copies of the reference's `blocks.py`
(`python -m grader --submission DIR --topic blocks`, a one-topic `make grade`): the reference
itself, and the reference with d2l's one-character mistake in `FixedHiddenMLP.forward`
(`X / 2` for `X /= 2`: `while X.abs().sum() > 1: X / 2` never ends). Prints both times and
the ratio endless / (correct + one time limit); the target is at most 2.5: a loop that never
ends costs its exercise one time limit, not one per check that calls the same code.
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
TARGET = 2.5
CORRECT, ENDLESS = "            X /= 2\n", "            X / 2\n"


def grade(submission: Path, topic: str, timeout: float) -> float:
    command = [sys.executable, "-m", "grader", "--submission", str(submission), "--topic", topic,
               "--timeout", f"{timeout:g}"]
    started = time.perf_counter()
    subprocess.run(command, cwd=REPO, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--topic", default="blocks")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds one check may run (--timeout)")
    parser.add_argument("--repeat", type=int, default=1, help="grade each copy this many times (median)")
    args = parser.parse_args()
    source = (REPO / "solutions" / f"{args.topic}.py").read_text()
    if source.count(CORRECT) != 1:
        sys.exit(f"{args.topic}.py has no single `{CORRECT.strip()}` line to break")
    with tempfile.TemporaryDirectory(prefix="torchlings-bench-") as folder:
        correct, endless = Path(folder, "correct"), Path(folder, "endless")
        for directory, text in ((correct, source), (endless, source.replace(CORRECT, ENDLESS))):
            directory.mkdir()
            (directory / f"{args.topic}.py").write_text(text)
            directory.chmod(0o755)
        grade(correct, args.topic, args.timeout)  # warm the file system cache and the recordings
        times = {"correct": [], "endless": []}
        for _ in range(args.repeat):
            times["correct"].append(grade(correct, args.topic, args.timeout))
            times["endless"].append(grade(endless, args.topic, args.timeout))
        shutil.rmtree(folder, ignore_errors=True)
    right, wrong = statistics.median(times["correct"]), statistics.median(times["endless"])
    ratio = wrong / (right + args.timeout)
    print(f"{args.topic}, correct:              {right:6.2f} s")
    print(f"{args.topic}, endless loop in forward: {wrong:6.2f} s  (time limit {args.timeout:g} s per check)")
    print(f"ratio endless / (correct + one time limit): {ratio:.2f}  (target: at most {TARGET:g}; "
          f"{'met' if ratio <= TARGET else 'NOT met'})")


if __name__ == "__main__":
    main()
