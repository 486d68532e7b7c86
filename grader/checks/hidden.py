"""Hidden checks: the checks graded only by the course's autograder, and a check file without them.

A check marked `@pytest.mark.exercise(symbol, points, hidden=True)` is cut out of a check file by
its syntax tree, with the module-level definitions only hidden checks use: what a student release
ships (`grader.commands.release`) and what a worker that runs public probes is sent
(`grader.workers.pool`). A probe marked `@reference_side` (`grader.checks.probing`), one that
computes what the reference is compared with and never touches the topic module, is cut out of
what a submission's workers are sent in the same way. Reads source text only: imports nothing of
the grader's.
"""

from __future__ import annotations

import ast
import re


def _marker_call(decorator: ast.expr) -> ast.Call | None:
    """The `exercise(...)` call of a decorator (`@exercise(...)` or `@pytest.mark.exercise(...)`)."""
    if isinstance(decorator, ast.Call):
        function = decorator.func
        name = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", None)
        if name == "exercise":
            return decorator
    return None


def _exercise_of(node: ast.AST) -> tuple[str, float, bool] | None:
    """(symbol, points, hidden) of a check's marker, or None for anything else."""
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return None
    for decorator in node.decorator_list:
        call = _marker_call(decorator)
        if call is not None:
            values = [ast.literal_eval(a) for a in call.args]
            keywords = {k.arg: ast.literal_eval(k.value) for k in call.keywords}
            symbol = values[0] if values else keywords.get("symbol")
            points = values[1] if len(values) > 1 else keywords.get("points")
            return symbol, float(points), bool(keywords.get("hidden", values[2] if len(values) > 2 else False))
    return None


def hidden_checks(source: str) -> dict[str, tuple[str, float]]:
    """Every hidden check of a check file: name -> (symbol, points)."""
    found = {}
    for node in ast.parse(source).body:
        marker = _exercise_of(node)
        if marker and marker[2]:
            found[node.name] = marker[:2]
    return found


def _defined_names(node: ast.stmt) -> set[str]:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {node.name}
    if isinstance(node, (ast.Assign, ast.AnnAssign)):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        return {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
    return set()


def _used_names(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


REFERENCE_SIDE = "reference_side"  # the decorator that marks a probe run on the reference's side only


def _reference_side(node: ast.AST) -> bool:
    """Whether `node` is a function decorated `@reference_side` (or `@probing.reference_side`)."""
    return isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(
        (decorator.attr if isinstance(decorator, ast.Attribute) else getattr(decorator, "id", None)) == REFERENCE_SIDE
        for decorator in node.decorator_list)


def strip_hidden(source: str, hidden: bool = True, reference_side: bool = False) -> str:
    """The check file without its hidden checks (and with `reference_side`, without its
    reference-side probes), nor the module-level definitions that only they used.

    Each removed statement takes along the comments and blank lines right above it.
    """
    body = ast.parse(source).body
    removed = {index for index, node in enumerate(body)
               if (hidden and (_exercise_of(node) or (0, 0, False))[2]) or (reference_side and _reference_side(node))}
    wanted = set().union(*(_used_names(body[i]) for i in removed)) if removed else set()
    while True:
        kept_uses = set().union(*(_used_names(n) for i, n in enumerate(body) if i not in removed))
        newly = {i for i, node in enumerate(body) if i not in removed and _defined_names(node)
                 and _defined_names(node) <= wanted - kept_uses}
        if not newly:
            break
        removed |= newly
        wanted |= set().union(*(_used_names(body[i]) for i in newly))
    lines = source.splitlines(keepends=True)
    drop = set()
    for index in removed:
        node = body[index]
        start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        floor = body[index - 1].end_lineno if index else 0
        while start - 1 > floor and (not lines[start - 2].strip() or lines[start - 2].lstrip().startswith("#")):
            start -= 1
        drop.update(range(start, node.end_lineno + 1))
    text = "".join(line for number, line in enumerate(lines, start=1) if number not in drop)
    text = re.sub(r"\n{3,}(?=\S|\Z)", "\n\n\n", text).rstrip("\n") + "\n"
    ast.parse(text)  # what is left is still a module
    return text
