"""How long watch mode takes from a saved file to its topic's new verdict, next to a one-topic grade.

    .venv/bin/python bench/watch_latency.py [--repeat 5] [--topic layers --topic optimizers]

Starts `python -m grader watch --json REPORT` on a copy of the stubs and, for each topic,
saves its file `--repeat` times (the solution and the stub in turn, so that the verdict
changes every time, a second apart as a person saves), timing each save until the report of
that topic is written (just after its table is printed). Prints the median and the slowest,
the target (at most 1.0 s) and the ratio to `python -m grader --submission DIR --topic T`
(a one-topic `make grade`), timed on the same machine.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGET = 1.0  # seconds from save to verdict


def wait_for_report(report: Path, topic: str, after_ns: int, timeout: float = 120) -> float:
    """When (time.perf_counter()) a report of `topic` newer than `after_ns` appeared at `report`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if report.stat().st_mtime_ns > after_ns:
                seen = time.perf_counter()
                if json.loads(report.read_text())["topics"] == [topic]:
                    return seen
        except (OSError, ValueError, KeyError):
            pass
        time.sleep(0.002)
    raise TimeoutError(f"no verdict for {topic} within {timeout:g} s")


def save_to_verdict(report: Path, path: Path, text: str, topic: str) -> float:
    while int(time.time()) == int(path.stat().st_mtime):  # a second after the last save
        time.sleep(0.01)
    before = report.stat().st_mtime_ns
    saved = time.perf_counter()
    path.write_text(text)
    return wait_for_report(report, topic, before) - saved


def one_topic_grade(submission: Path, topic: str, repeat: int) -> float:
    command = [sys.executable, "-m", "grader", "--submission", str(submission), "--topic", topic]
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(command, cwd=REPO, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="saves per topic")
    parser.add_argument("--topic", action="append", default=[], help="topics to save (default: layers, optimizers)")
    args = parser.parse_args()
    topics = args.topic or ["layers", "optimizers"]

    with tempfile.TemporaryDirectory() as folder:
        submission, report = Path(folder) / "submission", Path(folder) / "grade.json"
        shutil.copytree(REPO / "exercises", submission)
        watcher = subprocess.Popen([sys.executable, "-m", "grader", "watch", "--submission", str(submission),
                                    "--json", str(report)], cwd=REPO, stdout=subprocess.DEVNULL)
        try:
            while not report.exists():  # the first grade, of everything
                if watcher.poll() is not None:
                    sys.exit(f"the watcher exited with status {watcher.returncode}")
                time.sleep(0.05)
            latencies = {}
            for topic in topics:
                versions = [(REPO / source / f"{topic}.py").read_text() for source in ("solutions", "exercises")]
                latencies[topic] = [save_to_verdict(report, submission / f"{topic}.py", versions[i % 2], topic)
                                    for i in range(args.repeat)]
        finally:
            watcher.send_signal(signal.SIGINT)
            watcher.wait(60)
        grades = {topic: one_topic_grade(submission, topic, max(1, args.repeat // 2)) for topic in topics}

    print(f"watch mode, from save to verdict ({args.repeat} saves per topic, {os.cpu_count()} cores); "
          f"target <= {TARGET:g} s")
    for topic in topics:
        median = statistics.median(latencies[topic])
        print(f"  {topic:<12} median {median:5.2f} s   slowest {max(latencies[topic]):5.2f} s   "
              f"{'meets' if median <= TARGET else 'MISSES'} the target;   "
              f"one-topic grade {grades[topic]:5.2f} s, {grades[topic] / median:4.1f} times as long")


if __name__ == "__main__":
    main()
