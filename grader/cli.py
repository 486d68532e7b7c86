"""`python -m grader`: grade a submission (or a whole class), print the table, write the reports.

Exit status: 0 whatever the score; 2 for a usage error; 3 when the grader itself could not
run (pytest failed to collect the checks, or the reference solution failed a check).
"""

from __future__ import annotations

import argparse
import importlib
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CHECKS = REPO / "tests" / "topics"
# The order topics are taught and shown in; a topic missing here comes after these.
LEARNING_ORDER = (
    "blocks", "parameters", "initialization", "tying", "layers",
    "checkpoints", "autograd", "optimizers", "data", "training",
)


# `python -m grader NAME ...` runs another command: "module:function", called with the
# remaining arguments and returning the exit status. Without one of these names, it grades.
SUBCOMMANDS: dict[str, str] = {
    "merge": "grader.batch:merge_main",
}


def available_topics() -> list[str]:
    """Every topic with a check file, in learning order."""
    found = {path.stem.removeprefix("test_") for path in CHECKS.glob("test_*.py")}
    known = [topic for topic in LEARNING_ORDER if topic in found]
    return known + sorted(found - set(known))


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m grader", description="Grade torchlings exercises.")
    parser.add_argument("--submission", default=str(REPO / "exercises"),
                        help="directory holding any of the <topic>.py files (default: exercises/)")
    parser.add_argument("--class", dest="class_dir", metavar="DIR",
                        help="grade every subdirectory of DIR as one student's submission")
    parser.add_argument("--topic", action="append", default=[], metavar="NAME",
                        help="grade only this topic (repeatable)")
    parser.add_argument("--json", metavar="PATH", help="write the grade as JSON")
    parser.add_argument("--junit", metavar="PATH", help="write JUnit XML, one test case per check run")
    parser.add_argument("--gradescope", metavar="PATH", help="write Gradescope's results.json")
    parser.add_argument("--timeout", type=float, default=None, help="seconds one check may run (default 10)")
    parser.add_argument("--memory-limit", type=int, default=None, metavar="MIB",
                        help="memory the submission's code may allocate, in MiB (default 4096; 0: no limit)")
    parser.add_argument("--reference", default=str(REPO / "solutions"), help=argparse.SUPPRESS)
    parser.add_argument("-v", "--verbose", action="store_true", help="show pytest's own report as well")
    from grader.batch import add_class_options

    add_class_options(parser)
    return parser.parse_args(argv)


@dataclass
class Run:
    """What one pytest session over one submission produced."""

    outcomes: list
    pytest_status: int
    reference_failures: int

    @property
    def broken(self) -> bool:
        return self.pytest_status not in (0, 1) or self.reference_failures > 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] in SUBCOMMANDS:
        module, function = SUBCOMMANDS[argv[0]].split(":")
        return getattr(importlib.import_module(module), function)(argv[1:])
    args = parse_args(argv)
    if not args.class_dir and (args.out or args.shard):
        print("grader: --out and --shard go with --class", file=sys.stderr)
        return 2
    if not args.class_dir:  # a class run starts one fork server per grading process instead
        from grader.pool import warm_up

        warm_up()  # the fork server imports torch while this process imports it too
    topics = available_topics()
    unknown = [t for t in args.topic if t not in topics]
    if unknown:
        print(f"grader: unknown topic {', '.join(unknown)}; the topics are: {', '.join(topics)}", file=sys.stderr)
        return 2
    selected = [t for t in topics if t in args.topic] if args.topic else topics
    if args.class_dir:
        if args.junit or args.gradescope:
            print("grader: --class writes --json only", file=sys.stderr)
            return 2
        from grader.batch import grade_class

        return grade_class(args, Path(args.class_dir), selected)
    return grade_one(args, Path(args.submission), selected)


def grade_one(args, submission: Path, topics: list[str]) -> int:
    from grader import reports
    from grader.scoring import score

    started = time.monotonic()
    if not submission.is_dir():
        print(f"grader: {submission} is not a directory", file=sys.stderr)
        return 2
    junit_dir = Path(tempfile.mkdtemp(prefix="torchlings-junit-"))
    try:
        run = run_checks(args, submission, topics, junit=junit_dir / "junit.xml")
        exercises = score(run.outcomes)
        env = reports.environment()
        print(reports.table(exercises, _title(submission, env)))
        _complain_if_broken(run)
        if args.json:
            extra = {"submission": str(submission), "topics": topics, "complete": not run.broken}
            reports.write_json(args.json, reports.to_json(exercises, env, extra))
        if args.gradescope:
            reports.write_json(args.gradescope, reports.to_gradescope(exercises, time.monotonic() - started))
        if args.junit and (junit_dir / "junit.xml").is_file():
            reports.write_atomically(args.junit, (junit_dir / "junit.xml").read_text())
    finally:
        shutil.rmtree(junit_dir, ignore_errors=True)
    return 3 if run.broken else 0


def run_checks(args, submission: Path, topics: list[str], junit: Path | None = None, reference=None) -> Run:
    """Run the checks with pytest in this process; student code runs only in workers."""
    import pytest

    from grader.plugin import grading_key

    class Collect:
        def __init__(self):
            self.run = Run([], 0, 0)

        def pytest_sessionfinish(self, session):
            grading = session.config.stash[grading_key]
            self.run = Run(list(grading.outcomes), 0, grading.reference_failures)

    for variable in ("PYTEST_ADDOPTS", "PYTEST_PLUGINS"):
        os.environ.pop(variable, None)
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    limits = _limits(args)
    pytest_args = [
        "-c", str(REPO / "grader" / "pytest.ini"),
        "--rootdir", str(REPO),
        "--confcutdir", str(CHECKS),
        "-p", "grader.plugin",
        "-p", "pytest_timeout",
        "-p", "no:cacheprovider",
        # Checks judge with grader.checks, not bare asserts, and log nothing: skip what pytest
        # would spend on assert rewriting, log capture and end-of-run garbage collections.
        "--assert=plain",
        "-p", "no:logging",
        "-p", "no:unraisableexception",
        "-p", "no:threadexception",
        "--submission", str(submission.resolve()),
        "--reference", str(Path(args.reference).resolve()),
        f"--check-timeout={limits.timeout}",
        f"--memory-limit={limits.memory >> 20}",
        *([f"--junitxml={junit}"] if junit else []),
        *([] if args.verbose else ["-p", "no:terminal"]),
        *[str(CHECKS / f"test_{topic}.py") for topic in topics],
    ]
    collect = Collect()
    status = pytest.main(pytest_args, plugins=[collect] + ([reference] if reference else []))
    collect.run.pytest_status = int(status)
    return collect.run


def _limits(args):
    from grader.pool import Limits

    defaults = Limits()
    return Limits(
        timeout=args.timeout or defaults.timeout,
        memory=defaults.memory if args.memory_limit is None else args.memory_limit << 20,
    )


def _complain_if_broken(run: Run) -> None:
    if run.broken:
        print(f"grader: the grader itself failed (pytest exit status {run.pytest_status}, "
              f"{run.reference_failures} reference failures); this grade is incomplete", file=sys.stderr)


def _title(submission: Path, env: dict) -> str:
    cuda = f"CUDA {env['cuda']} on {env['cuda_device']}" if env["cuda_available"] else "no CUDA: CUDA checks skipped"
    return f"torchlings: grading {submission} (torch {env['torch']}, {cuda})"
