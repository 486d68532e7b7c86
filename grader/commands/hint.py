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

from grader.course import CHECKS, LEARNING_ORDER, REPO, i18n
from grader.course.guides import Guide, level_lines, load_guides
from grader.course.i18n import _
from grader.reports.student import wrap, write_json

STATE_DIR = REPO / ".torchlings"
HINTS_FILE = "hints.json"
LAST_GRADE_FILE = "last-grade.json"
LAST_TOPICS = "graded_last"  # the key, in the last grade kept, of the topics that grade itself graded


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
    """Keep the grade's JSON report, for `hint` to find the first unfinished exercise: merged with
    the last grade kept, whose exercises of the topics this grade did not grade stay as they were
    (a one-topic grade says nothing of the others)."""
    kept = read_json(state / LAST_GRADE_FILE) or {}
    graded = {_topic(e) for e in report.get("exercises", [])} | set(report.get("topics") or [])
    earlier = [e for e in kept.get("exercises", []) if isinstance(e, dict) and _topic(e) not in graded]
    topics = list(dict.fromkeys([*(kept.get("topics") or []), *(report.get("topics") or [])]))
    write_json(state / LAST_GRADE_FILE, {**report, "exercises": [*earlier, *report.get("exercises", [])],
                                          "topics": topics, LAST_TOPICS: sorted(graded)})


def _topic(exercise: dict) -> str:
    return str(exercise.get("id", "")).split(".", 1)[0]


def first_unfinished(report: dict, guides: dict | None = None) -> str | None:
    """The exercise the last table's `next:` line named: the first, in learning order, that the
    grades kept leave unfinished among the topics graded last; when those are all done, the first
    unfinished of any other topic. An exercise of `guides` whose topic was never graded counts as
    unfinished (an untouched topic is not done)."""
    exercises = [(str(e.get("id")), e.get("score", 0) < e.get("max_score", 0))
                 for e in report.get("exercises", []) if isinstance(e, dict)]
    graded = {exercise.split(".", 1)[0] for exercise, _ in exercises}
    exercises += [(exercise, True) for exercise in guides or {} if exercise.split(".", 1)[0] not in graded]
    last = {topic for topic in report.get(LAST_TOPICS) or [] if isinstance(topic, str)}
    rank = {topic: index for index, topic in enumerate(LEARNING_ORDER)}

    def order(entry: tuple[str, bool]) -> tuple[bool, int]:
        topic = entry[0].split(".", 1)[0]
        return topic not in last, rank.get(topic, len(rank))

    exercises.sort(key=order)  # stable: in-topic order kept
    return next((exercise for exercise, unfinished in exercises if unfinished), None)


def diagnosed(report: dict | None, exercise: str) -> str | None:
    """The hint the last grade's first failing check of `exercise` gave for the mistake it saw
    (a check that knows the failure hints at that failure), or None."""
    for entry in (report or {}).get("exercises", []):
        if isinstance(entry, dict) and entry.get("id") == exercise:
            for check in entry.get("checks") or []:
                if isinstance(check, dict) and check.get("status") not in ("passed", "skipped", "excused"):
                    hint = check.get("hint")
                    return hint if isinstance(hint, str) and hint else None
    return None


def _find(name: str, known: list[str]) -> list[str]:
    """The exercises `name` names: "MyLinear" or "layers.MyLinear", in any case."""
    name = name.casefold()
    return [exercise for exercise in known if name in (exercise.casefold(), exercise.split(".", 1)[-1].casefold())]


def _close(name: str, known: list[str]) -> list[str]:
    """The exercises whose names are closest to a name that names none ("did you mean")."""
    import difflib  # only for a name that names nothing

    symbols = {exercise.split(".", 1)[-1].casefold(): exercise.split(".", 1)[-1] for exercise in known}
    return [symbols[found] for found in difflib.get_close_matches(name.casefold(), list(symbols), n=3, cutoff=0.6)]


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
            close = _close(args.exercise, known) if not matches else []
            say(_("{name} names several exercises: {matches}", name=args.exercise, matches=", ".join(matches))
                if matches else _("no exercise is called {name}; did you mean {names}?", name=args.exercise,
                                  names=" / ".join(close)) if close else
                _("no exercise is called {name}", name=args.exercise))
            return 2
        exercise = matches[0]
    elif report is None:
        say(_("no grade yet: run `make grade` first, or name an exercise: `make hint EXERCISE=MyLinear`"))
        return 1
    else:
        exercise = first_unfinished(report, guides)
        if exercise is None:
            say(_("every exercise passes: there is nothing left to hint at"))
            return 0
    found = guides.get(exercise)
    seen = diagnosed(report, exercise)
    if seen:  # the failure the last grade diagnosed comes before the exercise's general levels
        say(_("{exercise}: your last grade found this mistake: {hint}", exercise=exercise, hint=seen))
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
