"""How fast a class is graded, next to grading its students one `make grade` at a time.

    .venv/bin/python bench/class_speed.py [--students 200] [--small 20] [--singles 3] [--jobs N]

Makes a class of copies of the solutions with small variations (a comment, and in every
fifth student one topic left as the stub), then prints:
- the wall time of single runs (`python -m grader --submission ...`, what `make grade`
  runs), per student: the median of `--singles` before the class runs and as many after
  them, since this machine's speed drifts over minutes, after one run that is not timed
  (it records the reference's results if they are missing, once for all runs);
- the wall time of `python -m grader --class DIR --jobs N` over `--small` and over
  `--students` students, per student, and the ratio to the single runs (target: >= 10);
- the peak memory of each class run, sampled: its whole process tree's PSS (which counts a
  page shared by several processes once; RSS summed beside it) every 5 s, and the machine's
  memory in use above what it was before the run every 0.5 s; and, in the large class, the
  peak PSS over the first fifth of the run next to the last fifth. It should not grow with the class;
- what a student costs: the machine's busy CPU of each class run per student; the time one
  more student adds (the two class sizes' difference) and the class's start-up; and a class
  of `--small` untouched stubs, where no code of the student's runs past its first line: the
  grading machinery (a confined worker per topic, every probe's round trip and set-up, the
  checks and their messages) with next to nothing of the student's, which bounds the ratio a
  class can reach on these cores;
- a class with one student whose every check hangs, next to the same class without him:
  he costs the class his own timeouts (the checks that time out, times --timeout), no more.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TOPICS = sorted(p.stem for p in (REPO / "solutions").glob("*.py"))
HANG = "while True:\n    pass\n"


def make_class(folder: Path, size: int, stubs: bool = False) -> Path:
    """`size` copies of the solutions (every fifth with one topic left as the stub), or with
    `stubs` of the untouched exercises."""
    folder.mkdir(parents=True)
    if stubs:
        for index in range(size):
            shutil.copytree(REPO / "exercises", folder / f"student{index:04}")
        return folder
    for index in range(size):
        student = folder / f"student{index:04}"
        shutil.copytree(REPO / "solutions", student)
        topic = TOPICS[index % len(TOPICS)]
        if index % 5 == 4:  # this topic not done yet
            shutil.copy(REPO / "exercises" / f"{topic}.py", student / f"{topic}.py")
        with (student / f"{topic}.py").open("a") as stream:
            stream.write(f"\n# student {index}\n")
    return folder


class TreeMemory:
    """Samples the memory of a process and all its descendants until stopped; keeps the peaks.

    Reading a process's smaps_rollup walks its page tables (a process that imported torch maps
    gigabytes), so the tree is read every `every` seconds; the machine's memory in use
    (MemTotal - MemAvailable, above what it was when sampling began), which costs one small
    read, every `often` seconds.
    """

    def __init__(self, pid: int, every: float = 5.0, often: float = 0.5):
        self.pid, self.every, self.often = pid, every, often
        self.started = time.monotonic()
        self.trees: list[tuple[float, int, int]] = []  # (seconds into the run, PSS, RSS) of the tree
        self.peak_in_use = 0
        self.idle_in_use = in_use()
        self.cpu_time = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    @property
    def peak_pss(self) -> int:
        return max((pss for _, pss, _ in self.trees), default=0)

    @property
    def peak_rss(self) -> int:
        return max((rss for _, _, rss in self.trees), default=0)

    def pss_within(self, start: float, end: float) -> list[int]:
        """The PSS samples taken between these fractions of the run (0.0: its start, 1.0: its end)."""
        length = self.trees[-1][0] if self.trees else 0.0
        return [pss for at, pss, _ in self.trees if start * length <= at <= end * length]

    def _run(self):
        next_tree = 0.0
        while not self._stop.is_set():
            self.cpu_time = time.thread_time()  # what sampling has cost so far: printed with the peaks
            self.peak_in_use = max(self.peak_in_use, in_use() - self.idle_in_use)
            if time.monotonic() < next_tree:
                self._stop.wait(self.often)
                continue
            next_tree = time.monotonic() + self.every
            rss = pss = 0
            for pid in self._tree():
                try:
                    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                        if line.startswith("Rss:"):
                            rss += int(line.split()[1]) << 10
                        elif line.startswith("Pss:"):
                            pss += int(line.split()[1]) << 10
                except OSError:
                    continue
            self.trees.append((time.monotonic() - self.started, pss, rss))
            self._stop.wait(self.often)

    def _tree(self) -> list[int]:
        children: dict[int, list[int]] = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                except OSError:
                    continue
                children.setdefault(parent, []).append(int(entry.name))
        found, todo = [], [self.pid]
        while todo:
            pid = todo.pop()
            found.append(pid)
            todo += children.get(pid, [])
        return found

    def stop(self):
        self._stop.set()
        self._thread.join()


def in_use() -> int:
    """Bytes of memory in use on the machine: MemTotal - MemAvailable."""
    fields = dict(line.split(":", 1) for line in Path("/proc/meminfo").read_text().splitlines())
    return (int(fields["MemTotal"].split()[0]) - int(fields["MemAvailable"].split()[0])) << 10


def busy_cpu() -> float:
    """Seconds of CPU the whole machine has spent busy (not idle, not waiting for I/O) since boot."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Timing:
    wall: float  # seconds
    busy: float  # seconds of CPU the machine spent busy meanwhile (this run, and anything else)
    memory: TreeMemory | None


def timed(command: list[str], memory: bool = False) -> Timing:
    """Wall time of `command`, and with `memory` its tree's peak memory. Reading every
    process's smaps_rollup takes CPU from the run it measures, so the runs that are timed
    against each other (single runs, classes) sample it seldom, and only the class runs."""
    busy = busy_cpu()
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    sampler = TreeMemory(process.pid) if memory else None
    _, stderr = process.communicate()
    if sampler is not None:
        sampler.stop()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{stderr[-2000:]}")
    return Timing(time.perf_counter() - started, busy_cpu() - busy, sampler)


def grade_class(folder: Path, jobs: int, *extra: str, memory: bool = False) -> Timing:
    return timed([sys.executable, "-m", "grader", "--class", str(folder), "--jobs", str(jobs), *extra], memory)


def mib(size: int) -> str:
    return f"{size / 2**20:6.0f} MiB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--small", type=int, default=20)
    parser.add_argument("--singles", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--timeout", type=float, default=2.0, help="--timeout of the hanging-student runs")
    args = parser.parse_args()
    python = sys.executable
    with tempfile.TemporaryDirectory(prefix="torchlings-bench-") as tmp:
        root = Path(tmp)
        large = make_class(root / "large", args.students)
        small = make_class(root / "small", args.small)
        stubs = make_class(root / "stubs", args.small, stubs=True)

        def single_run(index: int) -> float:
            return timed([python, "-m", "grader", "--submission", str(large / f"student{index:04}")]).wall

        def single_runs() -> list[float]:
            return [single_run(index) for index in range(args.singles)]

        # Not timed: the first run records the reference's results where they are missing or
        # stale (seconds of work no later run repeats) and brings torch's files into the page cache.
        single_run(0)
        # This machine's speed drifts over minutes: single runs before and after the classes.
        before = single_runs()
        classes = [(size, grade_class(folder, args.jobs, memory=True))
                   for size, folder in ((args.small, small), (args.students, large))]
        machinery = grade_class(stubs, args.jobs)
        singles = before + single_runs()
        single = statistics.median(singles)
        print(f"single runs (python -m grader --submission), {args.singles} before the classes and {args.singles} "
              f"after: {single:6.2f} s per student (median) ({', '.join(f'{s:.2f}' for s in singles)})", flush=True)
        for size, run in classes:
            memory = run.memory
            print(f"--class of {size:>4}, --jobs {args.jobs}: {run.wall:7.1f} s, {run.wall / size:5.2f} s per student, "
                  f"{single * size / run.wall:5.1f}x faster than {size} single runs (target >= 10); "
                  f"{run.busy / size:.2f} s of busy CPU per student; "
                  f"peak memory PSS {mib(memory.peak_pss)} (RSS {mib(memory.peak_rss)}), machine's memory in "
                  f"use +{mib(memory.peak_in_use).strip()} (sampling took {memory.cpu_time:.1f} s of CPU)", flush=True)
        # A peak is the highest of the samples taken, and a longer run takes more of them (more
        # chances to catch every worker of both students at its largest): growth shows better
        # within the large class, between its first students and its last.
        memory = classes[-1][1].memory
        first, last = memory.pss_within(0.0, 0.2), memory.pss_within(0.8, 1.0)
        print(f"--class of {args.students}: peak PSS {mib(max(first, default=0)).strip()} over the first fifth of "
              f"the run ({len(first)} samples), {mib(max(last, default=0)).strip()} over the last fifth "
              f"({len(last)} samples)", flush=True)

        # What one more student costs, what every class pays once, and how much of a student
        # is the machinery: the ratio can reach at most single / (what one more student costs).
        (few_size, few_run), (many_size, many_run) = classes
        if many_size > few_size:
            more = (many_run.wall - few_run.wall) / (many_size - few_size)
            more_busy = (many_run.busy - few_run.busy) / (many_size - few_size)
            start = few_run.wall - few_size * more
            print(f"one more student: {more:.2f} s ({more_busy:.2f} s of busy CPU); start-up of a class "
                  f"{start:.1f} s; at {more:.2f} s a student no class can be more than "
                  f"{single / more:.1f}x faster than single runs", flush=True)
            stub_more = (machinery.wall - start) / args.small
            print(f"--class of {args.small} untouched stubs (no code of the student's past its first line: the grading "
                  f"machinery and the probes' own set-up): {machinery.wall:.1f} s, "
                  f"{machinery.busy / args.small:.2f} s of busy CPU per student; less the start-up, "
                  f"{stub_more:.2f} s a student, {stub_more / more:.0%} of a complete student's "
                  f"{more:.2f} s", flush=True)

        # One student whose every check hangs, in a class of a few, on the topic `layers`.
        few = make_class(root / "few", max(2, args.jobs))
        options = ["--topic", "layers", "--timeout", f"{args.timeout:g}"]
        without = grade_class(few, args.jobs, *options).wall
        hanger = few / "zz-hangs"
        hanger.mkdir()
        source = (REPO / "solutions" / "layers.py").read_text()
        (hanger / "layers.py").write_text(source.replace("        # BEGIN SOLUTION", "        " + HANG.replace(
            "\n", "\n        ").rstrip() + "\n        # BEGIN SOLUTION"))
        report = root / "hang.json"
        with_him = grade_class(few, args.jobs, *options, "--json", str(report)).wall
        him = next(s for s in json.loads(report.read_text())["submissions"] if s["name"] == "zz-hangs")
        timeouts = sum(c["status"] == "timeout" for e in him["exercises"] for c in e["checks"])
        print(f"a student whose every check hangs ({timeouts} checks timed out at {args.timeout:g} s, "
              f"{timeouts * args.timeout:g} s of his own timeouts): the class took {with_him - without:+.1f} s "
              f"({without:.1f} s without him, {with_him:.1f} s with him)")


if __name__ == "__main__":
    main()
