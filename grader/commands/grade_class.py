"""Grading a class: every subfolder of a directory is one student's submission.

    python -m grader --class DIR [--out RESULTS] [--jobs N] [--shard K/N] [--json class.json] [--roster CSV]
    python -m grader merge RESULTS... [--out REPORT] [--partial]

A student's topic files are looked for at the top of the student's folder, in its
`exercises/` (a cloned student repository), or below (`grader.course.topic_folders.locate`).

`--jobs N` grading processes are forked once from this one (which has imported torch and
pytest) and then grade students from a queue, one after another, each student with workers
of its own, in one pytest session per grading process (`plugin.ClassSession`: the checks
are collected once); each grading process keeps one reference side for all its students.
A student's report is written to RESULTS/students/<name>.json as soon as it is graded,
keyed by a hash of the submission's files and of everything the grade depends on (the
checks, the grader, the reference, the settings), so a rerun grades only what is new or
changed and an interrupted run loses nothing. `--shard K/N` grades the K-th of N
deterministic slices of the class; `merge` combines the slices' results into one report.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import hashlib
import json
import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from grader.course import CHECKS, REPO, i18n, notebooks, topic_folders
from grader.course.i18n import translator
from grader.reports import class_report as classreport
from grader.reports import roster
from grader.reports import student as reports
from grader.verdict import recording
from grader.verdict.scoring import score
from grader.workers import submission as submission_files
from grader.workers.pool import modules_imported_by, new_log_dir, protection, warm_up

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
STUDENTS = "students"  # RESULTS/students/<name>.json: one report per student
STOP_GRACE = 20.0  # seconds grading processes get to stop their workers after Ctrl-C
PROBLEMS_STATUS = 4  # --fail-on-problems: some student needs attention


def add_class_options(parser: argparse.ArgumentParser) -> None:
    """The options of `--class` runs (see `python -m grader --help`)."""
    group = parser.add_argument_group("grading a class (--class DIR)")
    group.add_argument("--jobs", type=int, default=_usable_cpus(), metavar="N",
                       help="students graded at the same time (default: the number of CPUs this process may use)")
    group.add_argument("--out", metavar="RESULTS",
                       help="keep one report per student in RESULTS/students/ (a rerun grades only what changed) "
                            "and write the class report there: gradebook.csv, summary.md, summary.html")
    group.add_argument("--shard", type=Shard.parse, default=None, metavar="K/N",
                       help="grade only the K-th of N slices of the class (1 <= K <= N); "
                            "`python -m grader merge` combines the slices")
    add_report_options(group)


def add_report_options(group) -> None:
    """The class report's options, for `--class` and `merge` alike."""
    group.add_argument("--roster", metavar="CSV",
                       help="map each student's folder (or GitHub user) to the gradebook's login, SIS id, name "
                            "and section: a CSV with a 'folder' or 'github_username' column and any of "
                            "'sis_login_id' (or 'login', 'identifier', 'email'), 'sis_user_id', 'name', 'section'")
    group.add_argument("--fail-on-problems", action="store_true",
                       help="exit with status 4 when a student needs attention: no topic files, a topic file "
                            "that does not import, a check that timed out, or a grade the grader could not finish")
    group.add_argument("--gradebook-columns", choices=classreport.GRANULARITIES, default="total",
                       help="the gradebook's grade columns: one total (the default), one per topic, or one per "
                            "exercise")
    group.add_argument("--assignment", default="torchlings", metavar="NAME",
                       help="the gradebook's name for the assignment (the total's column; topics and exercises "
                            "are named 'NAME: topic'); default: torchlings")
    group.add_argument("--excel", action="store_true",
                       help="start the gradebooks with a UTF-8 byte order mark, so that Excel reads names right")


def report_options(args) -> "classreport.Options":
    """The class report's options from the command line; RosterError if the roster cannot be read."""
    return classreport.Options(
        roster=roster.read(Path(args.roster)) if args.roster else None,
        columns=args.gradebook_columns, assignment=args.assignment, bom=args.excel)


def _usable_cpus() -> int:
    """The CPUs this process may run on (a Slurm or container allocation), else all of them."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


@dataclass(frozen=True)
class Shard:
    """The K-th (1-based) of N slices: the students at positions i (0-based, sorted by name) with i % N == K - 1."""

    index: int
    count: int

    @classmethod
    def parse(cls, text: str) -> "Shard":
        try:
            index, count = (int(part) for part in text.split("/"))
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not K/N") from None
        if not 1 <= index <= count:
            raise argparse.ArgumentTypeError(f"{text!r}: K must be between 1 and N")
        return cls(index, count)

    def select(self, names: list[str]) -> list[str]:
        return [name for position, name in enumerate(sorted(names)) if position % self.count == self.index - 1]

    def record(self, students: int) -> dict:
        """What each student's report keeps of its shard: K, N and the whole class's size, which `merge` checks."""
        return {"index": self.index, "count": self.count, "students": students}


# What a grade depends on ---------------------------------------------------------------

def _hash_tree(digest, root: Path) -> None:
    """Feed every file under `root` (its path relative to root, then its bytes) to `digest`."""
    files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
    for path in files:
        if "__pycache__" in path.parts:
            continue
        relative = path.name if path == root else path.relative_to(root).as_posix()
        digest.update(relative.encode() + b"\0" + str(path.stat().st_size).encode() + b"\0")
        digest.update(path.read_bytes())


def grader_fingerprint(reference: Path, topics: list[str], settings: dict) -> str:
    """A hash of everything besides the submission that a grade depends on: the settings (the
    limits, the language of the messages), Python, every installed package's version, how
    workers are confined, whether CUDA runs, and the files of the checks, the grader, the
    reference and its recordings."""
    import importlib.metadata  # only a class run keys its reports

    digest = hashlib.sha256()
    packages = sorted(f"{d.metadata['Name']}=={d.version}" for d in importlib.metadata.distributions())
    digest.update(json.dumps({"topics": topics, "settings": settings, "python": sys.version, "packages": packages,
                              "sandbox": protection().as_dict(), "cuda": _cuda_available()},
                             sort_keys=True).encode())
    torch_version = Path(importlib.util.find_spec("torch").origin).parent / "version.py"  # without importing torch
    for root in (torch_version, CHECKS, REPO / "grader", reference, recording.RELEASED):
        digest.update(f"\0{root.name}\0".encode())
        _hash_tree(digest, root)
    return digest.hexdigest()


def _cuda_available() -> bool:
    """Whether checks run on CUDA too (it does not initialize CUDA: grading processes fork later)."""
    import torch  # a class run imports it anyway, before it forks its grading processes

    return torch.cuda.is_available()


def submission_key(fingerprint: str, submission: Path) -> str:
    """The fingerprint and exactly the files that grading `submission` copies (whatever their names,
    links and special files included: `grader.workers.submission.digest`)."""
    digest = hashlib.sha256(fingerprint.encode())
    submission_files.digest(digest, submission)
    return digest.hexdigest()


def report_path(results: Path, name: str) -> Path:
    return results / STUDENTS / f"{name}.json"


def is_current(path: Path, key: str) -> bool:
    """Whether `path` holds a complete report made with `key`."""
    try:
        report = json.loads(path.read_text())
    except (OSError, ValueError):
        return False
    return report.get("key") == key and report.get("complete") is True


# The trusted processes that grade ------------------------------------------------------

@dataclass(frozen=True)
class Job:
    """What a grading process needs to know: the same for every student."""

    args: argparse.Namespace
    topics: list[str]
    results: Path
    parent: int
    recordings: dict  # the reference's recorded results, by topic: read (or made) once, by the parent


def _serve(conn, job: Job) -> None:
    """A grading process: grade the students the parent sends, one after another, until it sends None."""
    _die_with_parent(job.parent)
    # pytest and torch: imported by the parent before it forked this process (`_grade_in_parallel`)
    from grader.verdict.plugin import ClassSession, Side
    from grader.verdict.session import Run, complain_if_broken, limits, run_checks

    _prepare_grading_process()
    # Every student's workers would import what the reference imports (torchvision, say):
    # their fork server does it once, and makes its many forks cheap.
    warm_up(preload=modules_imported_by(Path(job.args.reference).resolve()), huge_pages=True)
    reference = Side(Path(job.args.reference).resolve(), limits(job.args), new_log_dir())
    reference.recordings.update(job.recordings)
    env = reports.environment()
    keys, started, extras, folders = {}, {}, {}, {}
    tr = translator(job.args.lang)

    def submissions():
        """The students the parent sends, until it sends None (or is gone)."""
        try:
            conn.send({"ready": True})
            while (task := conn.recv()) is not None:
                name, submission, keys[name], extras[name] = task
                started[name], folders[name] = time.monotonic(), Path(submission)
                yield name, Path(submission)
        except (EOFError, BrokenPipeError):
            return

    def graded(name, grading):
        run = Run(list(grading.outcomes), 0, grading.reference_failures, dict(grading.left_out))
        seconds = round(time.monotonic() - started[name], 3)
        notes = [tr(note) for note in notebooks.notes(folders.pop(name), job.topics)]
        report = reports.to_json(score(run.outcomes), env, {
            "name": name, "complete": not run.broken, "key": keys[name], "topics": job.topics, "seconds": seconds,
            "notes": notes, "left_out": reports.left_out_entries(run.left_out), **extras.pop(name)})
        reports.write_json(report_path(job.results, name), report)
        complain_if_broken(run)
        conn.send({"name": name, "score": report["score"], "max_score": report["max_score"],
                   "complete": not run.broken, "seconds": seconds})

    try:  # one pytest session for all of this process's students: the checks are collected once
        run_checks(job.args, None, job.topics, reference=reference, plugins=(ClassSession(submissions(), graded),))
    except (KeyboardInterrupt, EOFError, BrokenPipeError):
        pass
    finally:
        reference.close()


def _prepare_grading_process() -> None:
    """Settings that pay off over many students.

    Its own torch computations (the checks' statistics) take one thread, since --jobs
    processes share the CPUs; and what is imported by now (torch, pytest, the grader) is
    frozen out of the garbage collector, which otherwise walks it again at every full
    collection, many of them in each student's pytest session.
    """
    import gc

    # Imported by the parent before it forked this process: these cost nothing here.
    import torch

    import grader.checks.expect  # noqa: F401 - what the check files import
    import grader.verdict.plugin  # noqa: F401

    torch.set_num_threads(1)
    gc.freeze()


def _die_with_parent(parent: int) -> None:
    """Stop (SIGTERM, then what Ctrl-C does) when the parent dies, even of SIGKILL.

    Ctrl-C (SIGINT) is handled as in the parent, whose handler a fork keeps.
    """
    signal.signal(signal.SIGTERM, _interrupt)
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    if os.getppid() != parent:
        raise SystemExit(1)


def _interrupt(signum, frame):
    raise KeyboardInterrupt


class Progress:
    """A bar with an ETA on a terminal (tqdm); plain lines in logs and CI."""

    def __init__(self, total: int):
        from tqdm import tqdm

        self.total = total
        self.done = 0
        self.started = time.monotonic()
        self.interactive = sys.stderr.isatty() and os.environ.get("CI", "").lower() not in ("true", "1")
        self.bar = tqdm(total=total, unit="student", file=sys.stderr, dynamic_ncols=True) if self.interactive else None

    def update(self, result: dict) -> None:
        from tqdm import tqdm

        self.done += 1
        line = f"{result['name']:<30} {result['score']:>7g} / {result['max_score']:g}" + (
            "" if result["complete"] else "  (incomplete: the grader itself failed)")
        if self.bar is not None:
            self.bar.set_postfix_str(result["name"], refresh=False)
            self.bar.update(1)
            if not result["complete"]:
                self.bar.write(line, file=sys.stderr)
            return
        elapsed = time.monotonic() - self.started
        eta = elapsed / self.done * (self.total - self.done)
        print(f"[{self.done:>{len(str(self.total))}}/{self.total}] {line}  "
              f"({result['seconds']:.1f} s, eta {tqdm.format_interval(eta)})", flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def grade_class(args, class_dir: Path, topics: list[str]) -> int:
    """Grade every subdirectory of `class_dir` (the `--class` run); see the module's docstring."""
    from grader.verdict.session import limits as limits_of  # pytest and torch: a class run needs them anyway

    if not class_dir.is_dir():
        print(f"grader: {class_dir} is not a directory", file=sys.stderr)
        return 2
    if args.jobs < 1:
        print("grader: --jobs must be at least 1", file=sys.stderr)
        return 2
    try:
        options = report_options(args)
    except roster.RosterError as error:
        print(f"grader: {error}", file=sys.stderr)
        return 2
    everyone = sorted(p.name for p in class_dir.iterdir() if p.is_dir() and not p.name.startswith("."))
    names = args.shard.select(everyone) if args.shard else everyone
    shard = (args.shard or Shard(1, 1)).record(len(everyone))
    limits = limits_of(args)
    reference = Path(args.reference).resolve()
    fingerprint = grader_fingerprint(reference, topics, {"timeout": limits.timeout, "memory": limits.memory,
                                                         "lang": i18n.requested_language(args.lang)})
    # Each student's topic files: at the folder's top, in exercises/ (a cloned repository), or below.
    located = {name: topic_folders.locate(class_dir / name, topics) for name in names}
    with contextlib.ExitStack() as stack:
        if args.out:
            results = Path(args.out)
        else:
            results = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="torchlings-class-")))
        keys = {name: submission_key(fingerprint, located[name]) for name in names}
        pending = [name for name in names if not is_current(report_path(results, name), keys[name])]
        if len(pending) < len(names):
            print(f"{len(names) - len(pending)} of {len(names)} students already graded and current; "
                  f"grading {len(pending)}", flush=True)
        # The folder itself, never what a link named like it points at (graded as a link: nothing)
        tasks = [(name, str(class_dir.resolve() / located[name].relative_to(class_dir)), keys[name],
                  {"shard": shard, "located": located[name].relative_to(class_dir / name).as_posix()})
                 for name in pending]
        try:
            _grade_in_parallel(args, topics, results, tasks)
        except KeyboardInterrupt:
            graded = sum(is_current(report_path(results, n), keys[n]) for n in names)
            kept = f"kept in {results}; rerun the same command to go on" if args.out else "lost (no --out)"
            print(f"grader: interrupted; {graded} of {len(names)} students graded, {kept}", file=sys.stderr)
            return 130
        missing = [name for name in names if not is_current(report_path(results, name), keys[name])]
        students = [path for path in (report_path(results, name) for name in names) if path.is_file()]
        summary = classreport.write_class_report(students, Path(args.out) if args.out else None,
                                                 Path(args.json) if args.json else None,
                                                 {"class": str(class_dir), "topics": topics}, options,
                                                 whole_roster=not args.shard)
    print(summary.text, flush=True)
    if missing:
        print(classreport.incomplete_line(missing), file=sys.stderr)
        return 3
    return PROBLEMS_STATUS if args.fail_on_problems and summary.problems else 0


def _grade_in_parallel(args, topics: list[str], results: Path, tasks: list[tuple]) -> dict:
    """Grade `tasks` with --jobs grading processes; what each one reported, by name."""
    if not tasks:
        return {}
    import grader.verdict.plugin  # noqa: F401 - torch and pytest, imported once here for every grading process

    context = multiprocessing.get_context("fork")  # they inherit torch and pytest, imported once

    recordings = recording.for_topics({topic: CHECKS / f"test_{topic}.py" for topic in topics},
                                      Path(args.reference).resolve())
    job = Job(args, topics, results, os.getpid(), recordings)
    sys.stdout.flush()
    sys.stderr.flush()
    processes = {}
    for _ in range(min(args.jobs, len(tasks))):
        parent_end, child_end = context.Pipe()
        process = context.Process(target=_serve, args=(child_end, job), name="torchlings-grading")
        process.start()
        child_end.close()
        processes[parent_end] = process
    progress = Progress(len(tasks))
    queue = list(reversed(tasks))
    done: dict[str, dict] = {}
    interrupted = False
    previous = signal.signal(signal.SIGTERM, _interrupt)  # a scheduler's stop is a Ctrl-C too
    try:
        busy = set(processes)
        while busy:
            for conn in multiprocessing.connection.wait(list(busy)):
                try:
                    message = conn.recv()
                except (EOFError, OSError):  # it stopped (or died: its student is graded by the next run)
                    busy.discard(conn)
                    continue
                if "name" in message:
                    done[message["name"]] = message
                    progress.update(message)
                with contextlib.suppress(OSError):
                    conn.send(queue.pop() if queue else None)
        return done
    except KeyboardInterrupt:
        interrupted = True
        raise
    finally:
        signal.signal(signal.SIGTERM, previous)
        progress.close()
        _stop(processes, interrupted)


def _stop(processes: dict, interrupted: bool) -> None:
    """Have the grading processes stop their workers and exit, then make sure they are gone."""
    deadline = time.monotonic() + STOP_GRACE
    for conn, process in processes.items():
        if interrupted and process.is_alive():
            with contextlib.suppress(OSError):
                os.kill(process.pid, signal.SIGINT)  # ends its pytest session: its workers are stopped
        with contextlib.suppress(OSError):
            conn.send(None)
    for conn, process in processes.items():
        process.join(max(0.0, deadline - time.monotonic()))
        if process.is_alive():
            process.kill()
            process.join()
        conn.close()


# `python -m grader merge` ---------------------------------------------------------------

def configure_merge(parser: argparse.ArgumentParser) -> None:
    """`python -m grader merge RESULTS...`: combine the results of --class runs (shards) into one class report."""
    parser.add_argument("results", nargs="+", metavar="RESULTS",
                        help="a directory a --class run wrote with --out (or its students/ folder)")
    parser.add_argument("--out", default="class-report", metavar="DIR",
                        help="where to write gradebook.csv, summary.md and summary.html (default: class-report)")
    parser.add_argument("--json", metavar="PATH", help="also write every student's report in one JSON file")
    parser.add_argument("--partial", action="store_true",
                        help="write the report even when shards are missing (it says so at its top)")
    add_report_options(parser)
    parser.set_defaults(run=merge)


def shard_problems(reports: dict[str, dict]) -> list[str]:
    """Why these students' reports are not one whole class: shards missing, mixed or short of students."""
    shards = {}
    for name, report in reports.items():
        shard = report.get("shard") or {}
        key = (shard.get("count"), shard.get("students"))
        shards.setdefault(key, {}).setdefault(shard.get("index"), []).append(name)
    if len(shards) > 1:
        return ["the results come from different runs: " + "; ".join(
            f"{sum(map(len, found.values()))} students from runs of {count} shards over {students} students"
            for (count, students), found in sorted(shards.items(), key=str))]
    (count, students), found = next(iter(shards.items()))
    if count is None or students is None:
        return []  # reports written before shards were recorded: nothing to check
    problems = []
    absent = sorted(set(range(1, count + 1)) - set(found))
    if absent and len(reports) < students:
        problems.append(f"shard{'s' if len(absent) > 1 else ''} {', '.join(f'{k}/{count}' for k in absent)} "
                        f"missing")
    if len(reports) < students:
        problems.append(f"{len(reports)} of the class's {students} students have a report")
    return problems


def merge(args: argparse.Namespace) -> int:
    """Combine the results of several `--class ... --out` runs (shards) into one class report.

    It refuses (exit status 2) when a student comes twice, or when the shards do not add up to
    the whole class (`--partial` writes the report anyway, saying so)."""
    try:
        options = report_options(args)
    except roster.RosterError as error:
        print(f"grader merge: {error}", file=sys.stderr)
        return 2
    found: dict[str, Path] = {}
    reports: dict[str, dict] = {}
    for folder in map(Path, args.results):
        students = folder / STUDENTS if (folder / STUDENTS).is_dir() else folder
        if not students.is_dir():
            print(f"grader merge: {folder} is not a directory", file=sys.stderr)
            return 2
        for path in sorted(students.glob("*.json")):
            if path.stem in found:
                print(f"grader merge: {path.stem} is in both {found[path.stem]} and {path}: "
                      f"the same shard given twice, or shards of different runs", file=sys.stderr)
                return 2
            found[path.stem] = path
            try:
                reports[path.stem] = json.loads(path.read_text())
            except (OSError, ValueError) as error:
                print(f"grader merge: cannot read {path}: {error}", file=sys.stderr)
                return 2
    if not found:
        print("grader merge: no student reports found", file=sys.stderr)
        return 2
    incomplete = shard_problems(reports)
    if incomplete and not args.partial:
        print(f"grader merge: these results are not the whole class: {'; '.join(incomplete)}. Merge every "
              f"shard's results, or pass --partial to write a report of these students only", file=sys.stderr)
        return 2
    summary = classreport.write_class_report([found[name] for name in sorted(found)], Path(args.out),
                                             Path(args.json) if args.json else None,
                                             {"class": [str(p) for p in args.results]}, options,
                                             warnings=[f"PARTIAL REPORT: {text}" for text in incomplete],
                                             whole_roster=not incomplete)
    for text in incomplete:
        print(f"grader merge: WARNING: partial report: {text}", file=sys.stderr)
    print(summary.text)
    return PROBLEMS_STATUS if args.fail_on_problems and summary.problems else 0
