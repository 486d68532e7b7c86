"""`python -m grader hint [EXERCISE]`: the next hint level of the first unfinished exercise.

Each exercise's hints and d2l section come from its guide table
(`tests/topics/guide_<topic>.toml`, read by `grader.course.guides`). Which levels a student has
unlocked is kept in `.torchlings/hints.json` (git-ignored), and the last grade in
`.torchlings/last-grade.json`, so that finding the first unfinished exercise needs no grading.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from grader.course import CHECKS, REPO, i18n
from grader.course.guides import Guide, level_lines, load_guides
from grader.course.i18n import _
from grader.reports.student import wrap, write_json

STATE_DIR = REPO / ".torchlings"
HINTS_FILE = "hints.json"
LAST_GRADE_FILE = "last-grade.json"


def read_json(path: Path) -> dict | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def unlocked(state: Path = STATE_DIR) -> dict[str, int]:
    """How many hint levels the student has unlocked, by exercise id."""
    data = read_json(state / HINTS_FILE) or {}
    return {key: value for key, value in data.items() if isinstance(value, int) and value > 0}


def unlock_next(exercise: str, found: Guide, state: Path = STATE_DIR) -> int:
    """Unlock the next level of `exercise` (up to its last); return how many are unlocked now."""
    levels = unlocked(state)
    levels[exercise] = min(levels.get(exercise, 0) + 1, len(found.hints))
    write_json(state / HINTS_FILE, levels)
    return levels[exercise]


def save_last_grade(report: dict, state: Path = STATE_DIR) -> None:
    """Keep the grade's JSON report, for `hint` to find the first unfinished exercise."""
    write_json(state / LAST_GRADE_FILE, report)


def first_unfinished(report: dict) -> str | None:
    for exercise in report.get("exercises", []):
        if exercise.get("score", 0) < exercise.get("max_score", 0):
            return exercise.get("id")
    return None


def _find(name: str, known: list[str]) -> list[str]:
    return [exercise for exercise in known if name in (exercise, exercise.split(".", 1)[-1])]


def configure(parser: argparse.ArgumentParser) -> None:
    """`python -m grader hint [EXERCISE]`: the next hint level of the first unfinished exercise."""
    parser.add_argument("exercise", nargs="?", help="an exercise (MyLinear or layers.MyLinear); "
                                                    "default: the first unfinished one of the last grade")
    parser.add_argument("--lang", default=None, help="the language of the hints (default: from LANG)")
    parser.add_argument("--state", default=str(STATE_DIR), help=argparse.SUPPRESS)
    parser.add_argument("--checks", default=str(CHECKS), help=argparse.SUPPRESS)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    tr, state = i18n.translator(args.lang), Path(args.state)
    guides = load_guides(Path(args.checks))
    report = read_json(state / LAST_GRADE_FILE)

    def say(*messages) -> None:
        for message in messages:
            print("\n".join(wrap(tr(message), subsequent="  ")))

    if args.exercise:
        known = [e.get("id") for e in (report or {}).get("exercises", [])] + list(guides)
        matches = list(dict.fromkeys(_find(args.exercise, known)))
        if len(matches) != 1:
            say(_("no exercise is called {name}", name=args.exercise) if not matches else
                _("{name} names several exercises: {matches}", name=args.exercise, matches=", ".join(matches)))
            return 2
        exercise = matches[0]
    elif report is None:
        say(_("no grade yet: run `make grade` first, or name an exercise: `make hint EXERCISE=MyLinear`"))
        return 1
    else:
        exercise = first_unfinished(report)
        if exercise is None:
            say(_("every exercise passes: there is nothing left to hint at"))
            return 0
    found = guides.get(exercise)
    if found is None or not found.hints:
        say(_("{exercise} has no hints yet: the message in `make grade` is all there is", exercise=exercise))
        return 0
    before = unlocked(state).get(exercise, 0)
    level = unlock_next(exercise, found, state)
    say(_("{exercise}:", exercise=exercise), *level_lines(found, level))
    if level == before:
        say(_("that was the last hint: the d2l section above explains the rest"))
    elif level < len(found.hints):
        say(_("`make hint` again shows the next hint"))
    return 0
