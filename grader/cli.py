"""`python -m grader`: grade a submission, print the table, write the reports.

Exit status: 0 whatever the score; 2 for a usage error; 3 when the grader itself could not
run (pytest failed to collect the checks, or the reference solution failed a check).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CHECKS = REPO / "tests" / "topics"
# The order topics are taught and shown in; a topic missing here comes after these.
LEARNING_ORDER = (
    "blocks", "parameters", "initialization", "tying", "layers",
    "checkpoints", "autograd", "optimizers", "data", "training",
)


def available_topics() -> list[str]:
    """Every topic with a check file, in learning order."""
    found = {path.stem.removeprefix("test_") for path in CHECKS.glob("test_*.py")}
    known = [topic for topic in LEARNING_ORDER if topic in found]
    return known + sorted(found - set(known))


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m grader", description="Grade torchlings exercises.")
    parser.add_argument("--submission", default=str(REPO / "exercises"),
                        help="directory holding any of the <topic>.py files (default: exercises/)")
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
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    from grader.pool import warm_up

    warm_up()  # the fork server imports torch while this process imports it too
    args = parse_args(argv)
    started = time.monotonic()
    submission = Path(args.submission)
    if not submission.is_dir():
        print(f"grader: {submission} is not a directory", file=sys.stderr)
        return 2
    topics = available_topics()
    unknown = [t for t in args.topic if t not in topics]
    if unknown:
        print(f"grader: unknown topic {', '.join(unknown)}; the topics are: {', '.join(topics)}", file=sys.stderr)
        return 2
    selected = [t for t in topics if t in args.topic] if args.topic else topics

    outcomes, pytest_status, reference_failures, junit_tmp = _run_checks(args, submission, selected)

    from grader import reports
    from grader.scoring import score

    exercises = score(outcomes)
    broken = pytest_status not in (0, 1) or reference_failures > 0
    env = reports.environment()
    print(reports.table(exercises, _title(submission, env)))
    if broken:
        print(f"\ngrader: the grader itself failed (pytest exit status {pytest_status}, "
              f"{reference_failures} reference failures); this grade is incomplete", file=sys.stderr)
    extra = {"submission": str(submission), "topics": selected, "complete": not broken}
    if args.json:
        reports.write_json(args.json, reports.to_json(exercises, env, extra))
    if args.gradescope:
        reports.write_json(args.gradescope, reports.to_gradescope(exercises, time.monotonic() - started))
    if args.junit:
        Path(args.junit).parent.mkdir(parents=True, exist_ok=True)
        os.replace(junit_tmp, args.junit)
    return 3 if broken else 0


def _run_checks(args, submission: Path, topics: list[str]):
    """Run the checks with pytest in this process; student code runs only in workers."""
    import pytest

    from grader.plugin import grading_key

    class Collect:
        outcomes: list = []
        reference_failures = 0

        def pytest_sessionfinish(self, session):
            grading = session.config.stash[grading_key]
            self.outcomes = list(grading.outcomes)
            self.reference_failures = grading.reference_failures

    for variable in ("PYTEST_ADDOPTS", "PYTEST_PLUGINS"):
        os.environ.pop(variable, None)
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    junit_tmp = Path(tempfile.mkdtemp(prefix="torchlings-junit-")) / "junit.xml"
    pytest_args = [
        "-c", str(REPO / "grader" / "pytest.ini"),
        "--rootdir", str(REPO),
        "--confcutdir", str(CHECKS),
        "-p", "grader.plugin",
        "-p", "pytest_timeout",
        "-p", "no:cacheprovider",
        "--submission", str(submission.resolve()),
        "--reference", str(Path(args.reference).resolve()),
        "--junitxml", str(junit_tmp),
        *([] if args.verbose else ["-p", "no:terminal"]),
        *([f"--check-timeout={args.timeout}"] if args.timeout else []),
        *([f"--memory-limit={args.memory_limit}"] if args.memory_limit is not None else []),
        *[str(CHECKS / f"test_{topic}.py") for topic in topics],
    ]
    collect = Collect()
    status = pytest.main(pytest_args, plugins=[collect])
    return collect.outcomes, int(status), collect.reference_failures, junit_tmp


def _title(submission: Path, env: dict) -> str:
    cuda = f"CUDA {env['cuda']} on {env['cuda_device']}" if env["cuda_available"] else "no CUDA: CUDA checks skipped"
    return f"torchlings: grading {submission} (torch {env['torch']}, {cuda})"
