"""The oldest torch of the supported range, tried once: install it into a fresh venv and grade.

    python bench/oldest_torch.py [--torch 2.13.0] [--keep DIR]

1. Makes a venv (`python3 -m venv`), installs `torch==VERSION` and the other pins of
   requirements.txt except torch and torchvision (PyPI's torchvision is built for one torch
   only, so the `data` topic, which needs it, is not graded here), then `pip install --no-deps
   -e .`; prints the seconds and the size (all, and torch's own folder).
2. In this repository, with that venv: grades solutions/ (every topic but `data`; each must get
   full marks: the reference is recorded again, since a recording's key names the torch) and
   exercises/ (the stubs: 0).
3. In a student release written by this Python's torch (the recordings a learner receives):
   grades solutions/ with the old torch, so that the recordings of another torch are compared
   at tolerances; they must give full marks, and the grader must say once that they were
   recorded with another torch. Then solutions/ in the release's autograder bundle (hidden checks
   too): it holds the solutions, so there the old torch records the reference again.

Prints each figure and ends with FAILED (exit status 1) where an expectation was not met.
Installs about 1 GB: a bench script, not part of `make test`. Nothing is kept unless --keep.
Step 2 leaves this repository's .cache/reference recorded with the old torch: the next grade with
the venv's torch records it again (its key names the torch), which takes a minute once.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SKIPPED_TOPICS = {"data"}  # needs torchvision, which PyPI builds for one torch only


def size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink()) if path.exists() else 0


def run(command: list, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([str(part) for part in command], capture_output=True, text=True, **kwargs)


def install(venv: Path, torch_version: str) -> Path:
    """The venv's python, after installing into it (prints seconds and size)."""
    pins = [line.strip() for line in (REPO / "requirements.txt").read_text().splitlines()
            if line.strip() and not line.startswith("#")]
    others = [pin for pin in pins if re.split(r"[=<>!~ ]", pin)[0] not in {"torch", "torchvision"}]
    started = time.monotonic()
    for command in (["python3", "-m", "venv", venv],
                    [venv / "bin/python", "-m", "pip", "install", "-q", f"torch=={torch_version}", *others],
                    [venv / "bin/python", "-m", "pip", "install", "-q", "--no-deps", "-e", REPO]):
        done = run(command)
        if done.returncode != 0:
            sys.exit(f"install failed: {' '.join(map(str, command))}\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    seconds = time.monotonic() - started
    python = venv / "bin/python"
    site = next(venv.glob("lib/python*/site-packages"))
    versions = run([python, "-c", "import sys, torch; print(sys.version.split()[0], torch.__version__)"]).stdout.split()
    gib = 1 << 30
    print(f"install: Python {versions[0]}, torch {versions[1]}: {seconds:.0f} s, {size(venv) / gib:.2f} GiB "
          f"(torch {size(site / 'torch') / gib:.2f} GiB, nvidia {size(site / 'nvidia') / gib:.2f} GiB)")
    return python


def topics() -> list[str]:
    return sorted(p.stem.removeprefix("test_") for p in (REPO / "tests/topics").glob("test_*.py")
                  if p.stem.removeprefix("test_") not in SKIPPED_TOPICS)


def grade(python: Path, cwd: Path, submission: Path, label: str, workdir: Path) -> tuple[dict, str]:
    """The JSON report and stderr of grading `submission` from `cwd` (every topic but data)."""
    report = workdir / (re.sub(r"[^A-Za-z0-9.]+", "-", label).strip("-") + ".json")
    command = [python, "-m", "grader", "grade", "--submission", submission, "--json", report, "--lang", "en",
               *[arg for topic in topics() for arg in ("--topic", topic)]]
    started = time.monotonic()
    done = run(command, cwd=cwd)
    seconds = time.monotonic() - started
    if not report.exists():
        sys.exit(f"{label}: no report (exit {done.returncode}):\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
    data = json.loads(report.read_text())
    print(f"{label}: {data['score']:g} / {data['max_score']:g} points, {len(data['exercises'])} exercises, "
          f"{seconds:.0f} s (exit {done.returncode})")
    return data, done.stderr


def failures(data: dict) -> list[str]:
    return [f"  {e['id']}: {next((c['message'] for c in e['checks'] if c['status'] != 'passed'), '')}"[:300]
            for e in data["exercises"] if e["score"] < e["max_score"]]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--torch", default="2.13.0", help="the torch version to install (default 2.13.0)")
    parser.add_argument("--keep", type=Path, help="work in DIR and keep it (the venv, the release, the reports)")
    args = parser.parse_args()
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="torchlings-oldest-"))
    workdir.mkdir(parents=True, exist_ok=True)
    problems = []
    try:
        print(f"topics graded: {', '.join(topics())}; not graded: {', '.join(sorted(SKIPPED_TOPICS))} "
              "(torchvision from PyPI does not import beside another torch)")
        python = install(workdir / "venv", args.torch)

        solutions, _ = grade(python, REPO, REPO / "solutions", "repository, solutions/", workdir)
        if solutions["score"] != solutions["max_score"] or not solutions["max_score"]:
            problems.append("the solutions lose points in the repository:\n" + "\n".join(failures(solutions)))
        stubs, _ = grade(python, REPO, REPO / "exercises", "repository, exercises/ (stubs)", workdir)
        if stubs["score"] != 0:
            problems.append(f"the stubs earn {stubs['score']:g} points")

        release = workdir / "release"
        shutil.rmtree(release, ignore_errors=True)
        written = run([sys.executable, "-m", "grader", "release", release], cwd=REPO)
        if written.returncode != 0:
            sys.exit(f"release failed:\n{written.stdout[-2000:]}{written.stderr[-2000:]}")
        mine = run([sys.executable, "-c", "import torch; print(torch.__version__)"]).stdout.strip()
        print(f"student release written with torch {mine}")
        recorded, said = grade(python, release / "student", REPO / "solutions",
                               f"release recorded with torch {mine}, solutions/", workdir)
        if recorded["score"] != recorded["max_score"] or not recorded["max_score"]:
            problems.append("the solutions lose points against the recordings of another torch:\n"
                            + "\n".join(failures(recorded)))
        notice = [line for line in said.splitlines() if "were recorded with torch" in line]
        print("the grader says: " + (notice[0] if notice else "(nothing about the recording's torch)"))
        if mine.split("+")[0] != args.torch and not notice:
            problems.append("the grader did not say that the recordings come from another torch")

        bundle = workdir / "bundle"
        shutil.rmtree(bundle, ignore_errors=True)
        zipfile.ZipFile(release / "autograder" / "torchlings-autograder.zip").extractall(bundle)
        hidden, _ = grade(python, bundle, REPO / "solutions",
                          "autograder bundle (hidden checks too; it holds the solutions, so records again), solutions/", workdir)
        if hidden["score"] != hidden["max_score"] or not hidden["max_score"]:
            problems.append("the solutions lose points in the autograder bundle:\n" + "\n".join(failures(hidden)))
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    for problem in problems:
        print("FAILED: " + problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
