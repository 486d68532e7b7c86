"""Plain `pytest` grades: the plugin that `tests/topics/conftest.py` names.

`pytest tests/topics/test_layers.py` (in the instructor's repository), plain `pytest` (in a
student release, whose pytest settings point at tests/topics) and an IDE's test panel run the
same checks as `python -m grader`, with the same plugin (`grader.verdict.plugin`): the
submission's code runs only in workers, and a check passes, fails with the message (and hint)
the table shows, or is skipped with its reason. This plugin adds what a plain pytest session
needs besides:

- every check is collected under its exercise, `test_layers.py::MyLinear::test_my_linear_output[cpu]`,
  so that ids, `-k MyLinear` and an IDE's tree name the exercise (a class made for the exercise
  holds its checks; nothing else changes, a check's name included);
- the grade table comes after pytest's own report, for the checks that ran.

Collecting (`--collect-only`, which IDEs run on every save) starts no worker.
"""

from __future__ import annotations

import inspect

import pytest

from grader.commands import grade, hint
from grader.course import CHECKS, EXERCISES, available_topics
from grader.course.guides import load_guides
from grader.reports import student as reports
from grader.verdict.plugin import CHECK_FILE_PREFIX, grading_key, translator_key
from grader.verdict.scoring import score

pytest_plugins = ["grader.verdict.plugin"]

# The exercise classes already made for a check file, by symbol.
groups_key = pytest.StashKey[dict]()


def exercise_marker(function) -> pytest.Mark | None:
    return next((mark for mark in getattr(function, "pytestmark", ()) if mark.name == "exercise"), None)


def symbol_of(function) -> str | None:
    marker = exercise_marker(function)
    if marker is None:
        return None
    return marker.kwargs.get("symbol", marker.args[0] if marker.args else None)


@pytest.hookimpl(tryfirst=True)
def pytest_pycollect_makeitem(collector: pytest.Collector, name: str, obj):
    """A check file's checks, each under a class named by its exercise, in the order the exercises
    first appear; anything else is collected as pytest would."""
    if not (isinstance(collector, pytest.Module) and collector.path.name.startswith(CHECK_FILE_PREFIX)
            and inspect.isfunction(obj) and collector.funcnamefilter(name)):
        return None
    symbol = symbol_of(obj)
    if symbol is None:
        return None  # grader.verdict.plugin says that a check has no exercise
    made = collector.stash.setdefault(groups_key, {})
    if symbol in made:
        return []  # collected with the class of its exercise
    checks = {other: staticmethod(function) for other, function in vars(collector.obj).items()
              if inspect.isfunction(function) and collector.funcnamefilter(other) and symbol_of(function) == symbol}
    made[symbol] = type(symbol, (), {**checks, "__module__": collector.obj.__name__, "__qualname__": symbol})
    group = pytest.Class.from_parent(collector, name=symbol)
    group.obj = made[symbol]  # not an attribute of the check file, where pytest would look for it
    return group


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    """The grade table of the checks that ran, as `python -m grader` prints it."""
    grading = config.stash.get(grading_key, None)
    if grading is None or not grading.outcomes:
        return
    order = {topic: index for index, topic in enumerate(available_topics())}
    exercises = sorted(score(grading.outcomes), key=lambda result: order.get(result.topic, len(order)))
    # The student's own folder (`shown`), never the copy that was graded (`directory`).
    student = grading.student
    submission = (student.shown or student.directory) if student is not None else EXERCISES
    state = hint.STATE_DIR if submission.resolve() == EXERCISES.resolve() else None
    terminalreporter.write_sep("=", "torchlings")
    terminalreporter.write_line(reports.table(
        exercises, grade.title(submission, reports.environment()), tr=config.stash[translator_key],
        everything=config.getoption("verbose") > 0, submission=submission, guides=load_guides(CHECKS),
        unlocked=hint.unlocked(state) if state is not None else {}))
