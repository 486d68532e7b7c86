"""`python -m grader COMMAND ...`: the commands, as argparse subcommands; `grade` when none is named.

Each command's module has `configure(parser)`, which adds its options and sets `run`, the
function called with the parsed arguments; it returns the exit status.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path

from grader.commands import grade, grade_class, hint, release, watch
from grader.course import support
from grader.course.i18n import _, translator

# name -> (configure, one line of help); `grade` is what runs when no name is given.
COMMANDS = {
    "grade": (grade.configure, "grade a submission (the default: `python -m grader --topic layers` grades)"),
    "class": (lambda parser: grade.configure(parser, class_positional=True),
              "grade every subfolder of DIR as one student (the same as `grade --class DIR`)"),
    "watch": (watch.configure, "grade once, then re-grade the topic of each saved file"),
    "hint": (hint.configure, "the next hint level of the first unfinished exercise (or of EXERCISE)"),
    "merge": (grade_class.configure_merge, "combine the results of --class runs (shards) into one report"),
    "release": (release.configure, "write the student repository and the autograder bundle"),
}
DEFAULT = "grade"


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="torchlings" if Path(sys.argv[0]).name.startswith("torchlings") else "python -m grader", description="Grade torchlings exercises.",
        epilog=f"Without a command, `{DEFAULT}` runs: `python -m grader --help` lists the commands, "
               f"`python -m grader {DEFAULT} --help` the grading options.")
    commands = top.add_subparsers(title="commands", metavar="COMMAND")
    for name, (configure, text) in COMMANDS.items():
        configure(commands.add_parser(name, help=text, description=text))
    return top


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):  # a name or message that is not UTF-8 never stops a report
        with contextlib.suppress(AttributeError, ValueError):
            stream.reconfigure(errors="backslashreplace")
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv or (argv[0] not in COMMANDS and argv[0] not in ("-h", "--help")):
        argv = [DEFAULT, *argv]
    args = parser().parse_args(argv)
    problem = support.problem()
    if problem is not None:  # before anything imports torch: a sentence, not a traceback
        print(translator(getattr(args, "lang", None)).render(_("grader: {problem}", problem=problem)), file=sys.stderr)
        return 3
    return args.run(args)
