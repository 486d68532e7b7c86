"""The grader's packages import only downwards, no module imports another's private name, and
imports inside functions say why (a measured start-up cost) in a comment.

The imports are read from the sources with `ast`, so a new module is covered as soon as it exists.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

GRADER = Path(__file__).resolve().parents[2] / "grader"
# Bottom to top; a package may import those before it (and itself). `authoring` sits beside
# `commands`: neither imports the other.
LAYERS = [{"course"}, {"checks"}, {"workers"}, {"verdict"}, {"reports"}, {"commands", "authoring"}]


def module_name(path: Path) -> str:
    parts = path.relative_to(GRADER.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(GRADER.rglob("*.py"))}


def imports(path: Path) -> list[tuple[ast.stmt, str, list[str], bool]]:
    """(node, imported module, names taken from it, inside a function) for every grader import."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    inside = {id(node) for function in ast.walk(tree) if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef))
              for node in ast.walk(function)}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node, alias.name, [], id(node) in inside) for alias in node.names
                      if alias.name.split(".")[0] == "grader"]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "grader" and not node.level:
            for alias in node.names:  # `from grader.reports import student` imports a module
                target = f"{node.module}.{alias.name}"
                found.append((node, target, [], id(node) in inside) if target in MODULES else
                             (node, node.module, [alias.name], id(node) in inside))
    return found


def graph() -> dict[str, set[str]]:
    return {name: {target for _node, target, _names, _inside in imports(path) if target in MODULES and target != name}
            for name, path in MODULES.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan's algorithm)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in edges.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def layer(module: str) -> int | None:
    parts = module.split(".")
    package = parts[1] if len(parts) > 1 else None
    return next((number for number, names in enumerate(LAYERS) if package in names), None)


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_module_of_the_grader_imports_itself_back():
    assert cycles(graph()) == []


def test_every_module_lives_in_a_layer():
    loose = [name for name in MODULES if layer(name) is None and name not in ("grader", "grader.__main__")]
    assert loose == [], "add the package to LAYERS (and to grader/__init__.py's docstring)"


def test_packages_import_only_downwards():
    upward = []
    for name, targets in graph().items():
        for target in targets:
            mine, theirs = layer(name), layer(target)
            if mine is not None and theirs is not None and (theirs > mine or (
                    theirs == mine and name.split(".")[1] != target.split(".")[1])):
                upward.append(f"{name} imports {target}")
    assert upward == []


GETTEXT = {"_", "_n"}  # the message markers: public, whatever their spelling


def test_no_module_imports_another_modules_private_name():
    private = [f"{name} takes {names} from {target}" for name, path in MODULES.items()
               for _node, target, names, _inside in imports(path)
               if any(n.startswith("_") and not n.startswith("__") and n not in GETTEXT for n in names)]
    assert private == []


def test_every_import_inside_a_function_says_why():
    silent = []
    for name, path in MODULES.items():
        lines = path.read_text(encoding="utf-8").splitlines()
        for node, target, _names, inside in imports(path):
            if not inside:
                continue
            # the comment: on the import's lines, or on the line or two just above them
            around = lines[max(node.lineno - 3, 0):node.end_lineno]
            if not any("#" in line for line in around):
                silent.append(f"{path.relative_to(GRADER.parent)}:{node.lineno} imports {target}")
    assert silent == []


@pytest.mark.parametrize("package", sorted({name.split(".")[1] for name in MODULES if name.count(".") >= 1
                                            and (GRADER / name.split(".")[1]).is_dir()}))
def test_every_package_says_what_lives_in_it(package):
    assert ast.get_docstring(ast.parse((GRADER / package / "__init__.py").read_text(encoding="utf-8")))


@pytest.mark.parametrize("package", sorted({name.split(".")[1] for name in MODULES if name.count(".") >= 2}))
def test_every_module_is_named_in_its_packages_docstring(package):
    """A reader finds each module from its package's docstring (and the README's Layout)."""
    said = ast.get_docstring(ast.parse((GRADER / package / "__init__.py").read_text(encoding="utf-8")))
    unnamed = [name for name in MODULES if name.startswith(f"grader.{package}.")
               and f"`{name.rsplit('.', 1)[1]}`" not in said]
    assert unnamed == []
