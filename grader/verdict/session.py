"""One pytest session over the checks: where verdicts are made, in this (trusted) process.

`run_checks` runs the check files with `grader.verdict.plugin`, which starts the workers that
run the student's code, and returns the outcomes for `grader.verdict.scoring` to count.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from grader.course import CHECKS, REPO
from grader.verdict.plugin import grading_key
from grader.workers.pool import Limits

# pytest's plugins that checks use none of: each adds to every one of the ~250 checks, or to
# every session, which a class run opens once a student. Checks print nothing, take only
# `grade` and `device`, and warnings are not part of a grade.
LEAN_SESSION = [option for plugin in (
    "capture", "warnings", "faulthandler", "debugging", "unittest", "legacypath", "tmpdir", "monkeypatch",
    "recwarn", "pastebin", "doctest", "setuponly", "setupplan", "stepwise", "subtests",
) for option in ("-p", f"no:{plugin}")]
# pytest's settings for grading runs: passed with -c, so that no pytest.ini or conftest.py a
# submission ships is ever read.
SETTINGS = Path(__file__).resolve().parent / "pytest.ini"


@dataclass
class Run:
    """What one pytest session over one submission produced."""

    outcomes: list
    pytest_status: int
    reference_failures: int
    left_out: dict = field(default_factory=dict)  # what of the submission was not graded: relative path -> why

    @property
    def broken(self) -> bool:
        return self.pytest_status not in (0, 1) or self.reference_failures > 0


def limits(args) -> Limits:
    """The limits of one check from the command's `--timeout` and `--memory-limit`."""
    defaults = Limits()
    return Limits(
        timeout=args.timeout or defaults.timeout,
        memory=defaults.memory if args.memory_limit is None else args.memory_limit << 20,
    )


def run_checks(args, submission: Path | None, topics: list[str], junit: Path | None = None, reference=None,
               plugins: tuple = ()) -> Run:
    """Run the checks with pytest in this process; student code runs only in workers.

    `submission` None: the submissions come from a `plugin.ClassSession` in `plugins`.
    """

    class Collect:
        def __init__(self):
            self.run = Run([], 0, 0)

        def pytest_sessionfinish(self, session):
            grading = session.config.stash[grading_key]
            self.run = Run(list(grading.outcomes), 0, grading.reference_failures, dict(grading.left_out))

    for variable in ("PYTEST_ADDOPTS", "PYTEST_PLUGINS"):
        os.environ.pop(variable, None)
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    limit = limits(args)
    pytest_args = [
        "-c", str(SETTINGS),
        "--rootdir", str(REPO),
        "--confcutdir", str(CHECKS),
        "--noconftest",  # no file a worker could have written is ever imported here
        "-p", "grader.verdict.plugin",
        "-p", "pytest_timeout",
        "-p", "no:cacheprovider",
        # Checks judge with grader.checks.expect, not bare asserts, and log nothing: skip what pytest
        # would spend on assert rewriting, log capture and end-of-run garbage collections.
        "--assert=plain",
        "-p", "no:logging",
        "-p", "no:unraisableexception",
        "-p", "no:threadexception",
        *LEAN_SESSION,
        # absolute, no link followed: a submission that is a link is graded as one (nothing), never as its target
        *(["--submission", os.path.abspath(submission)] if submission is not None else []),
        "--reference", str(Path(args.reference).resolve()),
        f"--check-timeout={limit.timeout}",
        f"--memory-limit={limit.memory >> 20}",
        *([f"--junitxml={junit}"] if junit else []),
        *([f"--lang={args.lang}"] if args.lang else []),
        *([] if args.verbose else ["-p", "no:terminal"]),
        *[str(CHECKS / f"test_{topic}.py") for topic in topics],
    ]
    collect = Collect()
    status = pytest.main(pytest_args, plugins=[collect, *plugins] + ([reference] if reference else []))
    collect.run.pytest_status = int(status)
    return collect.run


def broken_message(run: Run) -> str:
    grader_errors = [o.message for o in run.outcomes if o.status == "error" and "fault of the grader" in str(o.message)]
    return (f"the grader itself failed (pytest exit status {run.pytest_status}, {run.reference_failures} "
            f"reference failures); this grade is incomplete" + "".join(f"\n{m}" for m in grader_errors[:3]))


def complain_if_broken(run: Run) -> None:
    if run.broken:
        print(f"grader: {broken_message(run)}", file=sys.stderr)
