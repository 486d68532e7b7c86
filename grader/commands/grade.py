"""`python -m grader [grade]`: grade one submission (or, with `--class`, a whole class), print the
table, write the reports.

Exit status: 0 whatever the score; 2 for a usage error; 3 when the grader itself could not
run (pytest failed to collect the checks, or the reference solution failed a check).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

from grader.commands import grade_class, hint
from grader.course import CHECKS, EXERCISES, SOLUTIONS, available_topics, i18n, notebooks
from grader.course.guides import load_guides
from grader.course.i18n import Message, _, translator
from grader.reports import student as reports
from grader.verdict.recording import autograder_only
from grader.verdict.scoring import score
from grader.workers import pool


def configure(parser: argparse.ArgumentParser, class_positional: bool = False) -> None:
    """The grading options; `class_positional`: the `class` command, whose DIR comes first."""
    if class_positional:
        parser.add_argument("class_dir", metavar="DIR", help="grade every subdirectory of DIR as one student's submission")
        parser.set_defaults(submission=str(EXERCISES))
    else:
        parser.add_argument("--submission", default=str(EXERCISES),
                            help="directory holding any of the <topic>.py (or <topic>.ipynb) files (default: exercises/)")
        parser.add_argument("--class", dest="class_dir", metavar="DIR",
                            help="grade every subdirectory of DIR as one student's submission "
                                 "(the same as `python -m grader class DIR`)")
    parser.add_argument("--topic", action="append", default=[], metavar="NAME",
                        help="grade only this topic (repeatable)")
    parser.add_argument("--json", metavar="PATH", help="write the grade as JSON")
    if not class_positional:
        parser.add_argument("--junit", metavar="PATH", help="write JUnit XML, one test case per check run")
        parser.add_argument("--gradescope", metavar="PATH", help="write Gradescope's results.json")
    add_limit_options(parser)
    parser.add_argument("--require-sandbox", action="store_true",
                        help="refuse to grade (exit 3) unless workers are fully confined here")
    parser.add_argument("-v", "--verbose", action="store_true", help="show pytest's own report as well (and --all)")
    add_table_options(parser)
    grade_class.add_class_options(parser)
    parser.set_defaults(run=run, junit=None, gradescope=None)


def add_limit_options(parser: argparse.ArgumentParser) -> None:
    """What one check may take, and the reference it is compared with (see `session.limits`)."""
    parser.add_argument("--timeout", type=float, default=None, help="seconds one check may run (default 10)")
    parser.add_argument("--memory-limit", type=int, default=None, metavar="MIB",
                        help="memory the submission's code may allocate, in MiB (default 4096; 0: no limit)")
    parser.add_argument("--reference", default=str(SOLUTIONS), help=argparse.SUPPRESS)


def add_table_options(parser: argparse.ArgumentParser) -> None:
    """How the table reads: the language, everything or the next step, and where hints are kept."""
    parser.add_argument("--lang", default=None, help="the language of the messages: en or zh (default: from LANG)")
    parser.add_argument("--all", dest="everything", action="store_true",
                        help="show every exercise and every problem, not only the next one")
    parser.add_argument("--state", default=None, metavar="DIR",
                        help="keep the last grade and the unlocked hints in DIR (default: .torchlings/ "
                             "when grading exercises/)")
    # Said by the notebook magic (grader/commands/notebook.py), which runs this command for a notebook:
    # the table's next steps are then `%torchlings` commands, which work only inside Jupyter.
    parser.add_argument("--from-notebook", action="store_true", help=argparse.SUPPRESS)


def run(args: argparse.Namespace) -> int:
    tr = translator(args.lang)
    if not args.class_dir and (args.out or args.shard):
        print(tr(_("grader: --out and --shard go with --class")), file=sys.stderr)
        return 2
    topics = available_topics()
    unknown = [t for t in args.topic if t not in topics]
    if unknown:
        print(tr(_("grader: unknown topic {names}; the topics are: {topics}", names=", ".join(unknown),
                   topics=", ".join(topics))), file=sys.stderr)
        return 2
    if not args.class_dir:  # a class run starts one fork server per grading process instead
        pool.warm_up()  # the fork server imports torch while this process imports it too
    selected = [t for t in topics if t in args.topic] if args.topic else topics
    if not sandbox_acceptable(args):
        return 3
    if args.class_dir:
        if args.junit or args.gradescope:
            print(tr(_("grader: --class writes --json only")), file=sys.stderr)
            return 2
        return grade_class.grade_class(args, Path(args.class_dir), selected)
    return grade_one(args, Path(args.submission), selected)


def grade_one(args, submission: Path, topics: list[str]) -> int:
    # Imports pytest and torch: only once warm_up has started the fork server (which imports
    # torch meanwhile), about a second sooner to the first verdict.
    from grader.verdict import session

    started = time.monotonic()
    if not submission.is_dir():
        print(i18n.translator(args.lang)(i18n._("grader: {path} is not a directory", path=str(submission))),
              file=sys.stderr)
        return 2
    junit_dir = Path(tempfile.mkdtemp(prefix="torchlings-junit-"))
    try:
        env = reports.environment()
        tr = translator(args.lang)
        live = live_table(args, submission, topics, title(submission, env, args.verbose))
        run = session.run_checks(args, submission, topics, junit=junit_dir / "junit.xml",
                                 plugins=(live,) if live else ())
        exercises = score(run.outcomes)
        report = show_grade(args, submission, topics, run, exercises, title(submission, env, args.verbose), env, live)
        if args.json:
            reports.write_json(args.json, report)
        if args.gradescope:
            reports.write_json(args.gradescope, reports.gradescope_failure(
                session.broken_message(run), time.monotonic() - started)
                if run.broken else reports.to_gradescope(
                    exercises, time.monotonic() - started,
                    report["notes"] + [tr.render(line) for line in reports.left_out_lines(run.left_out)],
                    confinement=pool.protection(), tr=tr))
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


def table_options(args, submission: Path, topics: list[str]) -> dict:
    """How the student's table of `topics` reads (`grader.reports.student.table`'s options)."""
    state = state_dir(args, submission)
    tr = i18n.translator(args.lang)
    return {"tr": tr, "everything": args.everything or args.verbose,
            "notes": [tr(note) for note in notebooks.notes(submission, topics)],
            "submission": submission, "guides": load_guides(CHECKS),
            "unlocked": hint.unlocked(state) if state is not None else {},
            "others": bool(set(available_topics()) - set(topics)),
            "from_notebook": getattr(args, "from_notebook", False),
            "printed": getattr(args, "verbose", False)}


def live_table(args, submission: Path, topics: list[str], title):
    """The table printed as the grading goes (its head at once); None under -v, where pytest's
    own report is printed meanwhile."""
    if args.verbose:
        return None
    # Imports pytest and torch (grader.verdict.plugin): only once warm_up has started the fork server.
    from grader.reports.live import LiveTable

    live = LiveTable(title, **table_options(args, submission, topics))
    live.start()
    return live


def show_grade(args, submission: Path, topics: list[str], run, exercises: list, title, env: dict,
               live=None) -> dict:
    """Print the student's table, or what `live` (a `LiveTable`) has not printed of it yet (and
    keep the grade for `hint`); return the JSON report."""
    options = table_options(args, submission, topics) if live is None else live.table_options
    tr, notes = options["tr"], options["notes"]
    report = reports.to_json(exercises, env, {"submission": str(submission), "topics": topics,
                                              "complete": not run.broken, "notes": notes,
                                              "left_out": reports.left_out_entries(run.left_out)})
    state = state_dir(args, submission)
    if state is not None and not run.broken:
        hint.save_last_grade(report, state)
    if live is not None:
        live.finish(exercises)
    else:
        print(reports.table(exercises, title, **options), flush=True)
    for line in reports.left_out_lines(run.left_out):
        print(tr.render(line))
    hidden = autograder_only(topics)
    if hidden:
        # They are why a topic's total here may be odd (13.5 of a topic's 14 points): say so.
        print(tr.render(i18n._n("(+ {points} point of hidden checks, graded only by your course's autograder; "
                                "it is left out of the totals above)",
                                "(+ {points} points of hidden checks, graded only by your course's autograder; "
                                "they are left out of the totals above)",
                                int(hidden) if hidden == int(hidden) else 2, points=f"{hidden:g}")))
    session_of(run).complain_if_broken(run)
    return report


def session_of(run):
    """`grader.verdict.session`, which made `run`: imported by now, this costs nothing."""
    from grader.verdict import session  # pytest and torch: imported only after warm_up (see grade_one)

    return session


def state_dir(args, submission: Path) -> Path | None:
    """Where the student's last grade and unlocked hints are kept: --state, or .torchlings/ for exercises/."""
    if args.state:
        return Path(args.state)
    return hint.STATE_DIR if submission.resolve() == EXERCISES.resolve() else None


def title(submission: Path, env: dict, verbose: bool = False):
    """The table's first line; the sandbox in one phrase (its details, which read like errors to a
    student, only with `verbose`: they are in the JSON report's environment too)."""
    cuda = (_("CUDA {version} on {device}", version=env["cuda"], device=env["cuda_device"]) if env["cuda_available"]
            else _("no CUDA: CUDA checks skipped"))
    features = env.get("sandbox_features", {})
    sandbox = (_("sandboxed") if features.get("full") else
               _("partly sandboxed") if features.get("fs") or features.get("seccomp") else _("not sandboxed"))
    text = _("torchlings: grading {submission} (torch {torch}, {cuda}; {sandbox})",
             submission=str(submission), torch=env["torch"], cuda=cuda, sandbox=sandbox)
    if verbose:
        return Message("{text}\n{details}", {"text": text, "details": _("sandbox: {details}", details=env["sandbox"])})
    return text


def sandbox_acceptable(args) -> bool:
    """Whether grading may go on; says once when the submission's code runs unconfined."""
    level, tr = pool.protection(), translator(getattr(args, "lang", None))
    if level.full:
        return True
    if args.require_sandbox:
        refusal = tr.render(_("grader: --require-sandbox: workers here are not fully confined ({level})",
                              level=level.summary()))
        print(refusal, file=sys.stderr)
        if getattr(args, "gradescope", None):  # Gradescope shows nothing at all without a results.json
            reports.write_json(args.gradescope, reports.gradescope_failure(refusal, 0.0))
        return False
    if not (level.fs or level.seccomp):
        print(tr.render(_("grader: the code you grade runs unconfined here ({level}): it can do whatever "
                    "you can; grade only code you trust", level=level.summary())), file=sys.stderr)
    return True
