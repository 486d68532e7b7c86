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
    "hint": "grader.hint:main",
    "merge": "grader.batch:merge_main",
    "release": "grader.release:main",
    "watch": "grader.watch:main",
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
    add_limit_options(parser)
    parser.add_argument("--require-sandbox", action="store_true",
                        help="refuse to grade (exit 3) unless workers are fully confined here")
    parser.add_argument("-v", "--verbose", action="store_true", help="show pytest's own report as well (and --all)")
    add_table_options(parser)
    from grader.batch import add_class_options

    add_class_options(parser)
    return parser.parse_args(argv)


def add_limit_options(parser: argparse.ArgumentParser) -> None:
    """What one check may take, and the reference it is compared with (see `_limits`)."""
    parser.add_argument("--timeout", type=float, default=None, help="seconds one check may run (default 10)")
    parser.add_argument("--memory-limit", type=int, default=None, metavar="MIB",
                        help="memory the submission's code may allocate, in MiB (default 4096; 0: no limit)")
    parser.add_argument("--reference", default=str(REPO / "solutions"), help=argparse.SUPPRESS)


def add_table_options(parser: argparse.ArgumentParser) -> None:
    """How the table reads: the language, everything or the next step, and where hints are kept."""
    parser.add_argument("--lang", default=None, help="the language of the messages: en or zh (default: from LANG)")
    parser.add_argument("--all", dest="everything", action="store_true",
                        help="show every exercise and every problem, not only the next one")
    parser.add_argument("--state", default=None, metavar="DIR",
                        help="keep the last grade and the unlocked hints in DIR (default: .torchlings/ "
                             "when grading exercises/)")


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
    from grader.i18n import _, translator

    tr = translator(args.lang)
    if not args.class_dir and (args.out or args.shard):
        print(tr(_("grader: --out and --shard go with --class")), file=sys.stderr)
        return 2
    if not args.class_dir:  # a class run starts one fork server per grading process instead
        from grader.pool import warm_up

        warm_up()  # the fork server imports torch while this process imports it too
    topics = available_topics()
    unknown = [t for t in args.topic if t not in topics]
    if unknown:
        print(tr(_("grader: unknown topic {names}; the topics are: {topics}", names=", ".join(unknown),
                   topics=", ".join(topics))), file=sys.stderr)
        return 2
    selected = [t for t in topics if t in args.topic] if args.topic else topics
    if not _sandbox_acceptable(args):
        return 3
    if args.class_dir:
        if args.junit or args.gradescope:
            print(tr(_("grader: --class writes --json only")), file=sys.stderr)
            return 2
        from grader.batch import grade_class

        return grade_class(args, Path(args.class_dir), selected)
    return grade_one(args, Path(args.submission), selected)


def grade_one(args, submission: Path, topics: list[str]) -> int:
    from grader import i18n, reports
    from grader.scoring import score

    started = time.monotonic()
    if not submission.is_dir():
        print(i18n.translator(args.lang)(i18n._("grader: {path} is not a directory", path=str(submission))),
              file=sys.stderr)
        return 2
    junit_dir = Path(tempfile.mkdtemp(prefix="torchlings-junit-"))
    try:
        run = run_checks(args, submission, topics, junit=junit_dir / "junit.xml")
        exercises = score(run.outcomes)
        env = reports.environment()
        report = show_grade(args, submission, topics, run, exercises, _title(submission, env), env)
        if args.json:
            reports.write_json(args.json, report)
        if args.gradescope:
            reports.write_json(args.gradescope, reports.gradescope_failure(_broken_message(run), time.monotonic() - started)
                               if run.broken else reports.to_gradescope(exercises, time.monotonic() - started))
        if args.junit and (junit_dir / "junit.xml").is_file():
            reports.write_atomically(args.junit, (junit_dir / "junit.xml").read_text())
    except Exception as error:
        if args.gradescope:  # Gradescope shows nothing at all without a results.json
            reports.write_json(args.gradescope, reports.gradescope_failure(
                f"{type(error).__name__}: {error}", time.monotonic() - started))
        raise
    finally:
        shutil.rmtree(junit_dir, ignore_errors=True)
    return 3 if run.broken else 0


def show_grade(args, submission: Path, topics: list[str], run: Run, exercises: list, title, env: dict) -> dict:
    """Print the student's table (and keep the grade for `hint`); return the JSON report."""
    from grader import hint, i18n, reports
    from grader.recording import autograder_only

    report = reports.to_json(exercises, env, {"submission": str(submission), "topics": topics,
                                              "complete": not run.broken})
    state = _state_dir(args, submission)
    if state is not None and not run.broken:
        hint.save_last_grade(report, state)
    tr = i18n.translator(args.lang)
    print(reports.table(exercises, title, tr=tr, everything=args.everything or args.verbose,
                        submission=submission, guides=hint.load_guides(CHECKS),
                        unlocked=hint.unlocked(state) if state is not None else {}), flush=True)
    hidden = autograder_only(topics)
    if hidden:
        print(tr.render(i18n._("(+ {points} points of hidden checks, graded only by your course's autograder)",
                               points=f"{hidden:g}")))
    _complain_if_broken(run)
    return report


# pytest's plugins that checks use none of: each adds to every one of the ~250 checks, or to
# every session, which a class run opens once a student. Checks print nothing, take only
# `grade` and `device`, and warnings are not part of a grade.
LEAN_SESSION = [option for plugin in (
    "capture", "warnings", "faulthandler", "debugging", "unittest", "legacypath", "tmpdir", "monkeypatch",
    "recwarn", "pastebin", "doctest", "setuponly", "setupplan", "stepwise", "subtests",
) for option in ("-p", f"no:{plugin}")]


def run_checks(args, submission: Path | None, topics: list[str], junit: Path | None = None, reference=None,
               plugins: tuple = ()) -> Run:
    """Run the checks with pytest in this process; student code runs only in workers.

    `submission` None: the submissions come from a `plugin.ClassSession` in `plugins`.
    """
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
        "--noconftest",  # no file a worker could have written is ever imported here
        "-p", "grader.plugin",
        "-p", "pytest_timeout",
        "-p", "no:cacheprovider",
        # Checks judge with grader.checks, not bare asserts, and log nothing: skip what pytest
        # would spend on assert rewriting, log capture and end-of-run garbage collections.
        "--assert=plain",
        "-p", "no:logging",
        "-p", "no:unraisableexception",
        "-p", "no:threadexception",
        *LEAN_SESSION,
        *(["--submission", str(submission.resolve())] if submission is not None else []),
        "--reference", str(Path(args.reference).resolve()),
        f"--check-timeout={limits.timeout}",
        f"--memory-limit={limits.memory >> 20}",
        *([f"--junitxml={junit}"] if junit else []),
        *([f"--lang={args.lang}"] if args.lang else []),
        *([] if args.verbose else ["-p", "no:terminal"]),
        *[str(CHECKS / f"test_{topic}.py") for topic in topics],
    ]
    collect = Collect()
    status = pytest.main(pytest_args, plugins=[collect, *plugins] + ([reference] if reference else []))
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
        print(f"grader: {_broken_message(run)}", file=sys.stderr)


def _broken_message(run: Run) -> str:
    grader_errors = [o.message for o in run.outcomes if o.status == "error" and "fault of the grader" in str(o.message)]
    return (f"the grader itself failed (pytest exit status {run.pytest_status}, {run.reference_failures} "
            f"reference failures); this grade is incomplete" + "".join(f"\n{m}" for m in grader_errors[:3]))


def _state_dir(args, submission: Path) -> Path | None:
    """Where the student's last grade and unlocked hints are kept: --state, or .torchlings/ for exercises/."""
    from grader.hint import STATE_DIR

    if args.state:
        return Path(args.state)
    return STATE_DIR if submission.resolve() == (REPO / "exercises").resolve() else None


def _title(submission: Path, env: dict):
    from grader.i18n import _

    cuda = (_("CUDA {version} on {device}", version=env["cuda"], device=env["cuda_device"]) if env["cuda_available"]
            else _("no CUDA: CUDA checks skipped"))
    return _("torchlings: grading {submission} (torch {torch}, {cuda}; sandbox: {sandbox})",
             submission=str(submission), torch=env["torch"], cuda=cuda, sandbox=env["sandbox"])


def _sandbox_acceptable(args) -> bool:
    """Whether grading may go on; says once when the submission's code runs unconfined."""
    from grader.i18n import _, translator
    from grader.pool import protection

    level, tr = protection(), translator(getattr(args, "lang", None))
    if level.full:
        return True
    if args.require_sandbox:
        print(tr.render(_("grader: --require-sandbox: workers here are not fully confined ({level})",
                    level=level.summary())), file=sys.stderr)
        return False
    if not (level.fs or level.seccomp):
        print(tr.render(_("grader: the code you grade runs unconfined here ({level}): it can do whatever "
                    "you can; grade only code you trust", level=level.summary())), file=sys.stderr)
    return True


