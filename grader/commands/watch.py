"""`python -m grader watch`: grade everything once, then re-grade the topic of each saved file.

The grader stays warm between saves: the fork server (torch imported once) and the shared
reference (its loaded recordings, its live workers and every result they gave) live as long
as the watch does. Each
re-grade is a new pytest session with the shared reference `Side` as a plugin (as `--class`
does), so the submission's workers are fresh and load the file as it was just saved.
File events come from `watchfiles`, whose defaults group a burst of saves into one: it yields
once no file has changed for 50 ms (and after 1.6 s at most).
"""

from __future__ import annotations

import argparse
import functools
import os
import signal
import sys
import time
from pathlib import Path

from grader.commands import grade as grade_command
from grader.course import EXERCISES, available_topics, notebooks
from grader.course.i18n import _, translator
from grader.reports import student as reports
from grader.verdict.scoring import score
from grader.workers.pool import new_log_dir, warm_up

# How long watchfiles waits for a change before it hands back an empty batch: the first one
# says the watcher is ready; the later ones are skipped.
READY_MS = 200


def configure(parser: argparse.ArgumentParser) -> None:
    """`python -m grader watch`: grade once, then re-grade the topic of each saved file."""
    parser.add_argument("--submission", default=str(EXERCISES),
                        help="directory holding the <topic>.py (or <topic>.ipynb) files (default: exercises/)")
    parser.add_argument("--topic", action="append", default=[], metavar="NAME",
                        help="grade and watch only this topic (repeatable)")
    parser.add_argument("--json", metavar="PATH", help="after each grade, write that grade as JSON")
    grade_command.add_limit_options(parser)
    parser.add_argument("--poll", action="store_true",
                        help="poll for changes instead of waiting for the system's file events")
    parser.add_argument("-v", "--verbose", action="store_true", help="show pytest's own report as well")
    grade_command.add_table_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Watch until Ctrl-C, which ends the watch with status 0 and every worker stopped."""
    try:
        status = watch(args)
    except KeyboardInterrupt:  # before watching began: while torch was still importing, say
        status = 0
    if status == 0:
        print("\n" + translator(args.lang)(_("stopped watching")), flush=True)
    return status


def watch(args: argparse.Namespace) -> int:
    import watchfiles  # 28 ms: not for every command `python -m grader` runs

    topics = available_topics()
    unknown = [t for t in args.topic if t not in topics]
    if unknown:
        print(f"grader: unknown topic {', '.join(unknown)}; the topics are: {', '.join(topics)}", file=sys.stderr)
        return 2
    watched = [t for t in topics if t in args.topic] if args.topic else topics
    submission = Path(os.path.abspath(args.submission))  # no link followed: see grader.workers.submission
    if not submission.is_dir():
        print(f"grader: {submission} is not a directory", file=sys.stderr)
        return 2
    # Ctrl-C in a terminal reaches the whole process group: the fork server, started now,
    # ignores it (it exits with this process), even while it still imports torch.
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        warm_up()  # the fork server imports torch while this process imports it too
    finally:
        signal.signal(signal.SIGINT, previous)
    # pytest and torch: imported only once the fork server imports torch too
    from grader.verdict import session
    from grader.verdict.plugin import Side

    topic_of = functools.partial(_topic_of, submission=submission, topics=watched)
    reference = Side(Path(args.reference).resolve(), session.limits(args), new_log_dir())
    # Watching starts before the first grade, so that a save made while it runs is graded next.
    changes = watchfiles.watch(submission, watch_filter=lambda _, path: bool(topic_of(path)),
                               force_polling=args.poll or None, rust_timeout=READY_MS, yield_on_timeout=True)
    try:
        next(changes)
        if grade(args, submission, watched, reference, grade_command.title(submission, reports.environment(), args.verbose)):
            print("\n" + translator(args.lang)(_("watching {submission} for saved topic files; Ctrl-C to stop",
                                                  submission=str(submission))), flush=True)
            for batch in changes:
                saved = [t for t in watched if t in {topic_of(path) for _, path in batch}]
                title = _("saved: {files}", files=", ".join(notebooks.graded_file(submission, t).name for t in saved))
                if saved and not grade(args, submission, saved, reference, title):
                    break
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C may not leave workers behind
        reference.close()
    return 0


def grade(args, submission: Path, topics: list[str], reference, title: str) -> bool:
    """Grade `topics` and print their table; False when Ctrl-C stopped the grading."""
    import pytest  # imported by `watch` already, as is the session

    from grader.verdict.session import run_checks

    started = time.monotonic()
    tr = translator(args.lang)
    print(flush=True)
    # Said the moment a save is seen: the last verdict on the screen is not this file's.
    print(tr(_("grading {topics}…", topics=", ".join(topics))), flush=True)
    live = grade_command.live_table(args, submission, topics, title)
    run = run_checks(args, submission, topics, reference=reference, plugins=(live,) if live else ())
    if run.pytest_status == pytest.ExitCode.INTERRUPTED:
        return False
    exercises = score(run.outcomes)
    report = grade_command.show_grade(args, submission, topics, run, exercises, title, reports.environment(), live)
    print(tr(_("graded in {seconds} s", seconds=f"{time.monotonic() - started:.2f}")), flush=True)
    if args.json:
        reports.write_json(args.json, report)
    return True


def _topic_of(path: str, submission: Path, topics: list[str]) -> str | None:
    """The topic whose file `path` is, if it is `<topic>.py` or `<topic>.ipynb` right in `submission`."""
    path = Path(path)
    if path.parent == submission and path.suffix in (".py", notebooks.NOTEBOOK_SUFFIX) and path.stem in topics:
        return path.stem
    return None
