"""`python -m grader hint [EXERCISE]`: the next hint level of the first unfinished exercise.

Each exercise's hints and d2l section come from its guide table
(`tests/topics/guide_<topic>.toml`, read by `grader.guide`). Which levels a student has
unlocked is kept in `.torchlings/hints.json` (git-ignored), and the last grade in
`.torchlings/last-grade.json`, so that finding the first unfinished exercise needs no grading.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from grader import guide, i18n
from grader.i18n import _

REPO = Path(__file__).resolve().parent.parent
CHECKS = guide.CHECKS
STATE_DIR = REPO / ".torchlings"
HINTS_FILE = "hints.json"
LAST_GRADE_FILE = "last-grade.json"


@dataclass(frozen=True)
class Guide:
    """One exercise's hint levels (the idea, the API to look up, close to code) and its d2l section."""

    hints: tuple[str, ...]
    d2l: str | None = None
    book: str | None = None


def load_guides(checks: Path = CHECKS) -> dict[str, Guide]:
    """Every exercise's guide, by exercise id ("<topic>.<symbol>")."""
    guides = {}
    for path in sorted(checks.glob("guide_*.toml")):
        topic = path.stem.removeprefix("guide_")
        for symbol, entry in guide.load_guide(topic, checks).items():
            if isinstance(entry, dict):
                guides[f"{topic}.{symbol}"] = Guide(
                    hints=tuple(i18n.guide_texts({"hints": entry.get("hints", [])})),
                    d2l=entry.get("d2l") if entry.get("d2l") in guide.D2L_SECTIONS else None,
                    book=entry.get("book") if isinstance(entry.get("book"), str) else None,
                )
    return guides


def level_lines(exercise: Guide, level: int) -> list:
    """The messages for hint levels 1..`level`; the last level adds the note on the book and d2l."""
    count = len(exercise.hints)
    lines = [_("hint {level} of {count}: {text}", level=number, count=count, text=text)
             for number, text in enumerate(exercise.hints[:level], start=1)]
    if level >= count:
        if exercise.book:
            lines.append(_("the book: {text}", text=exercise.book))
        if exercise.d2l:
            links = guide.d2l_links(exercise.d2l)
            lines.append(_("read in d2l:\n{en}\n{zh}", en=links["en"], zh=links["zh"]))
    return lines


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
    from grader.reports import write_json

    levels = unlocked(state)
    levels[exercise] = min(levels.get(exercise, 0) + 1, len(found.hints))
    write_json(state / HINTS_FILE, levels)
    return levels[exercise]


def save_last_grade(report: dict, state: Path = STATE_DIR) -> None:
    """Keep the grade's JSON report, for `hint` to find the first unfinished exercise."""
    from grader.reports import write_json

    write_json(state / LAST_GRADE_FILE, report)


def first_unfinished(report: dict) -> str | None:
    for exercise in report.get("exercises", []):
        if exercise.get("score", 0) < exercise.get("max_score", 0):
            return exercise.get("id")
    return None


def _find(name: str, known: list[str]) -> list[str]:
    return [exercise for exercise in known if name in (exercise, exercise.split(".", 1)[-1])]


def main(argv: list[str] | None = None) -> int:
    from grader.reports import wrap

    parser = argparse.ArgumentParser(prog="python -m grader hint", description=__doc__.splitlines()[0])
    parser.add_argument("exercise", nargs="?", help="an exercise (MyLinear or layers.MyLinear); "
                                                    "default: the first unfinished one of the last grade")
    parser.add_argument("--lang", default=None, help="the language of the hints (default: from LANG)")
    parser.add_argument("--state", default=str(STATE_DIR), help=argparse.SUPPRESS)
    parser.add_argument("--checks", default=str(CHECKS), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
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
