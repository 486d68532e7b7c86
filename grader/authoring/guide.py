"""The exercise guide: hints and d2l sections, and the exercise list generated from it.

`tests/topics/guide_<topic>.toml` holds one table per exercise symbol:

    [MyLinear]
    hints = ["level 1: the idea", "level 2: the API to look up", "level 3: close to code"]
    d2l = "custom-layer"        # a key of D2L_SECTIONS: the section the exercise comes from
    book = "the book does X; here Y, because ..."   # only where the book's code fails a check

`docs/EXERCISES.md` lists every topic and exercise with its points (summed from the checks'
`exercise(symbol, points=...)` markers, read from the source, never run), its task lines
(from the solutions' `BEGIN SOLUTION` markers) and its d2l section on d2l.ai and zh.d2l.ai.

    python -m grader.authoring.guide          # rewrite docs/EXERCISES.md
    python -m grader.authoring.guide --check  # exit 1 when it is out of date
"""

from __future__ import annotations

import argparse
import ast
import sys
from dataclasses import dataclass, field

from grader.course import CHECKS, PINNED_TOTAL, REPO, SOLUTIONS, available_topics
from grader.course.guides import d2l_links, load_guide
from grader.course.solutions import Block, solution_blocks

EXERCISES_MD = REPO / "docs" / "EXERCISES.md"
@dataclass
class Points:
    """An exercise's points: graded checks, and hidden ones (graded only in a release)."""

    shown: float = 0.0
    hidden: float = 0.0


def exercise_points(check_source: str) -> dict[str, Points]:
    """Symbol -> its points, summed over the check functions decorated `exercise(symbol, points=...)`."""
    points: dict[str, Points] = {}
    for node in ast.walk(ast.parse(check_source)):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for decorator in node.decorator_list:
            if not (isinstance(decorator, ast.Call) and _names_exercise(decorator.func)):
                continue
            arguments = [ast.literal_eval(argument) for argument in decorator.args]
            keywords = {keyword.arg: ast.literal_eval(keyword.value) for keyword in decorator.keywords}
            symbol = arguments[0] if arguments else keywords["symbol"]
            value = float(arguments[1] if len(arguments) > 1 else keywords["points"])
            entry = points.setdefault(symbol, Points())
            if keywords.get("hidden", False):
                entry.hidden += value
            else:
                entry.shown += value
    return points


def _names_exercise(func: ast.expr) -> bool:
    """`exercise(...)` (the checks' alias) or `pytest.mark.exercise(...)`."""
    return (isinstance(func, ast.Name) and func.id == "exercise") or (
        isinstance(func, ast.Attribute) and func.attr == "exercise")


def blocks_by_symbol(solution_source: str) -> dict[str, list[tuple[str | None, Block]]]:
    """Top-level symbol -> (method name or None, block) for every marked block inside it, in order."""
    tree = ast.parse(solution_source)
    owners = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            methods = [child for child in node.body if isinstance(child, ast.FunctionDef)] \
                if isinstance(node, ast.ClassDef) else []
            owners.append((node, methods))
    found: dict[str, list[tuple[str | None, Block]]] = {}
    for block in solution_blocks(solution_source):
        for node, methods in owners:
            if node.lineno <= block.line <= node.end_lineno:
                method = next((m.name for m in methods if m.lineno <= block.line <= m.end_lineno), None)
                found.setdefault(node.name, []).append((method, block))
    return found


@dataclass
class Exercise:
    topic: str
    symbol: str
    points: Points
    tasks: list[tuple[str | None, Block]] = field(default_factory=list)
    guide: dict = field(default_factory=dict)


def exercises(topic: str) -> list[Exercise]:
    """The topic's exercises in the order its checks name them."""
    points = exercise_points((CHECKS / f"test_{topic}.py").read_text(encoding="utf-8"))
    solution = SOLUTIONS / f"{topic}.py"
    tasks = blocks_by_symbol(solution.read_text(encoding="utf-8")) if solution.is_file() else {}
    guide = load_guide(topic)
    return [Exercise(topic, symbol, value, tasks.get(symbol, []), guide.get(symbol, {}))
            for symbol, value in points.items()]


def unchecked() -> list[str]:
    """What a solution marks for students to write but no check grades ("<topic>.<Symbol>", or a
    whole "<topic>" without a check file): docs/EXERCISES.md lists only graded exercises, so these are missing from it."""
    missing = []
    for solution in sorted(SOLUTIONS.glob("*.py")):
        topic = solution.stem
        symbols = blocks_by_symbol(solution.read_text(encoding="utf-8"))
        checks = CHECKS / f"test_{topic}.py"
        if not checks.is_file():
            missing += [topic] if symbols else []
            continue
        graded = exercise_points(checks.read_text(encoding="utf-8"))
        missing += [f"{topic}.{symbol}" for symbol in symbols if symbol not in graded]
    return missing


def course_total() -> float:
    """The course's points: the sum of every check's (hidden ones included)."""
    return round(sum(e.points.shown + e.points.hidden for topic in available_topics() for e in exercises(topic)), 6)


def _points(value: float) -> str:
    return f"{value:g}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def exercises_markdown() -> str:
    """The text of docs/EXERCISES.md."""
    lines = ["# Exercises", "",
             "Generated by `make stubs` (`python -m grader.authoring.guide`) from the task lines in `solutions/`, the",
             "points of the checks in `tests/topics/test_<topic>.py` and the hints in",
             "`tests/topics/guide_<topic>.toml`; `make test` fails when it is out of date. Each exercise",
             "is a name in `exercises/<topic>.py`; `python -m grader hint EXERCISE` shows its hints one",
             "level at a time.", ""]
    total = hidden = 0.0
    sections = []
    for number, topic in enumerate(available_topics(), start=1):
        entries = exercises(topic)
        shown = sum(entry.points.shown for entry in entries)
        secret = sum(entry.points.hidden for entry in entries)
        total, hidden = total + shown, hidden + secret
        solution = SOLUTIONS / f"{topic}.py"
        about = ast.get_docstring(ast.parse(solution.read_text(encoding="utf-8"))) if solution.is_file() else ""
        about = about.splitlines()[0].split(": ", 1)[-1] if about else ""
        about = about[:1].upper() + about[1:]
        heading = f"## {number}. `{topic}` ({_points(shown + secret)} points"
        heading += f", {_points(secret)} of them in hidden checks)" if secret else ")"
        sections += [heading, "", about, "",
                     "| exercise | points | task | d2l |", "| --- | --- | --- | --- |"]
        for entry in entries:
            parts = []
            for method, block in entry.tasks:
                text = f"`{method}`: {block.task}" if method else block.task
                text += "".join(f"<br>– {constraint}" for constraint in block.constraints)
                parts.append(_cell(text))
            slug = entry.guide.get("d2l")
            links = " · ".join(f"[{language}]({url})" for language, url in d2l_links(slug).items()) if slug else ""
            points = _points(entry.points.shown + entry.points.hidden) + (
                f" ({_points(entry.points.hidden)} hidden)" if entry.points.hidden else "")
            sections.append(f"| `{entry.symbol}` | {points} | {'<br>'.join(parts)} | {links} |")
        sections.append("")
    summary = f"Total: {_points(total + hidden)} points"
    summary += (f", {_points(hidden)} of them in hidden checks, which only the course's autograder runs."
                if hidden else ".")
    return "\n".join(lines + [summary, ""] + sections)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m grader.authoring.guide", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report whether docs/EXERCISES.md is out of date")
    args = parser.parse_args(argv)
    text = exercises_markdown()
    current = EXERCISES_MD.read_text(encoding="utf-8") if EXERCISES_MD.is_file() else None
    missing = unchecked()
    for name in missing:
        topic, _, symbol = name.partition(".")
        print(f"docs/EXERCISES.md leaves out {name}: solutions/{topic}.py has a solution block for it, but "
              + (f"no check in tests/topics/test_{topic}.py is marked @pytest.mark.exercise({symbol!r}, points)"
                 if symbol else f"there is no tests/topics/test_{topic}.py") + " (step 3 of adding an exercise)",
              file=sys.stderr)
    if PINNED_TOTAL is not None and course_total() != PINNED_TOTAL:
        print(f"the checks' points add up to {course_total():g}, but grader/course/__init__.py pins the course's "
              f"total at {PINNED_TOTAL:g} (PINNED_TOTAL)", file=sys.stderr)
    if args.check:
        if current != text:
            print("docs/EXERCISES.md is out of date: run `make stubs`", file=sys.stderr)
        return 1 if current != text or missing else 0
    EXERCISES_MD.parent.mkdir(exist_ok=True)
    EXERCISES_MD.write_text(text, encoding="utf-8")
    done = "docs/EXERCISES.md is up to date" if current == text else "wrote docs/EXERCISES.md"
    print(done + (f", without {len(missing)} exercise{'s' if len(missing) > 1 else ''} that no check grades yet"
                  if missing else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
