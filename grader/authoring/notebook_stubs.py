"""Generate one notebook per topic, `notebooks/<topic>.ipynb`, from the same single source as the stubs.

A topic's notebook is its stub (`grader.authoring.stubs.make_stub`) cut into cells: a Markdown
cell with the topic's title and how to work in it; a first code cell with the topic's imports
(after the `%run` line that loads `%torchlings`, grader.commands.notebook); then, for each
top-level function or class of the stub, a Markdown cell with its task and constraints in
English and in Chinese (the stubs' task lines are in the zh_CN catalogue) and its d2l section
(zh.d2l.ai first in Chinese), and a code cell holding its stub; last, a cell that grades the
notebook. Markdown cells and the magic lines are never graded: the grader reads only code
cells, and comments magics out (grader.course.notebooks).

    python -m grader.authoring.notebook_stubs          # rewrite notebooks/ from solutions/
    python -m grader.authoring.notebook_stubs --check  # exit 1 when notebooks/ is out of date
"""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

from grader.authoring.guide import blocks_by_symbol, exercise_points
from grader.authoring.stubs import make_stub, stale_files, write_generated
from grader.course import CHECKS, REPO, SOLUTIONS, available_topics
from grader.course.guides import d2l_links, load_guide
from grader.course.i18n import ENGLISH, N_, Translator, _, translator
from grader.course.solutions import BEGIN, END

NOTEBOOKS = REPO / "notebooks"
LANGUAGES = ("en", "zh")
# Where the notebooks live relative to the grader: `%run` finds the magic's module this way.
LOADER = "%run ../grader/commands/notebook.py"
METADATA = {
    "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
    "language_info": {"name": "python"},
}

HOW_TO = N_("Write your code in place of each `raise NotImplementedError(...)`: the message states the task, "
            "the `# - ` comments above it its constraints. Run the first code cell once, then your cells; "
            "to grade, save the notebook (Ctrl-S) and run the last cell. Only code cells are graded, "
            "magics and `!` lines are not run.")


def notebook_cells(topic: str, solution: str, checks: Path = CHECKS, solved: bool = False) -> list[dict]:
    """The cells of `topic`'s notebook, as nbformat 4 dictionaries (no outputs); `solved`: with the
    solution's code in place of each stub (for the suite's own tests, never written to notebooks/)."""
    stub = without_markers(solution) if solved else make_stub(solution, f"{topic}.py")
    lines = stub.splitlines(keepends=True)
    tree = ast.parse(stub)
    symbols = [node for node in tree.body if isinstance(node, (ast.FunctionDef, ast.ClassDef))]
    docstring = ast.get_docstring(tree) or topic
    first = _start(symbols[0]) if symbols else len(lines) + 1
    body_start = tree.body[1].lineno if ast.get_docstring(tree) and len(tree.body) > 1 else 1
    imports = "".join(line for line in lines[body_start - 1:first - 1] if not line.startswith("# Generated"))
    points = exercise_points((checks / f"test_{topic}.py").read_text(encoding="utf-8"))
    tasks = blocks_by_symbol(solution)
    guide = load_guide(topic, checks)
    tongues = [translator(language) for language in LANGUAGES]
    cells = [_markdown(f"{topic}-about", "\n\n".join(
        [f"# {docstring.splitlines()[0]}"] + [tr(HOW_TO) for tr in tongues]))]
    cells.append(_code(f"{topic}-imports", f"{LOADER}\n{imports.strip()}"))
    previous = first - 1
    for node in symbols:
        code = "".join(lines[previous:node.end_lineno]).strip("\n")
        previous = node.end_lineno
        if node.name in tasks or node.name in points:
            cells.append(_markdown(f"{topic}-{node.name}-task", _task_text(
                node.name, tasks.get(node.name, []), points.get(node.name), guide.get(node.name, {}), tongues)))
        cells.append(_code(f"{topic}-{node.name}", code))
    rest = "".join(lines[previous:]).strip("\n")
    if rest:
        cells.append(_code(f"{topic}-rest", rest))
    cells.append(_markdown(f"{topic}-grade-task", "\n\n".join(
        tr(_("## Grade: save the notebook first (Ctrl-S), then run the cell below. `%torchlings {topic} --lang "
             "zh` answers in Chinese, `--all` shows every problem, `--hint` the next hint.", topic=topic))
        for tr in tongues)))
    cells.append(_code(f"{topic}-grade", f"%torchlings {topic}"))
    return cells


def without_markers(solution: str) -> str:
    """The solution file without its BEGIN and END SOLUTION lines."""
    return "".join(line for line in solution.splitlines(keepends=True) if not (BEGIN.match(line) or END.match(line)))


def _start(node: ast.stmt) -> int:
    return min([node.lineno, *(decorator.lineno for decorator in getattr(node, "decorator_list", []))])


def _task_text(symbol: str, blocks: list, points, guide: dict, tongues: list[Translator]) -> str:
    """An exercise's Markdown: in each language its title and points, its task lines and
    constraints, and its d2l section (the reader's edition first)."""
    total = (points.shown + points.hidden) if points else 0
    parts = []
    for tr in tongues:
        part = [f"### `{symbol}` ({tr(_('{points} points', points=f'{total:g}'))})" if points else f"### `{symbol}`", ""]
        for method, block in blocks:
            task = tr(block.task)
            part.append(f"- `{method}`: {task}" if method else f"- {task}")
            part += [f"  - {tr(constraint)}" for constraint in block.constraints]
        slug = guide.get("d2l")
        if slug:
            links = d2l_links(slug)
            order = ["zh", "en"] if tr.language != ENGLISH.language else ["en", "zh"]
            sites = {"en": "d2l.ai", "zh": "zh.d2l.ai"}
            part += ["", tr(_("Read in d2l: {links}", links=" · ".join(
                f"[{sites[language]}]({links[language]})" for language in order)))]
        parts.append("\n".join(part))
    return "\n\n".join(parts)


def _markdown(cell_id: str, text: str) -> dict:
    return {"cell_type": "markdown", "id": cell_id, "metadata": {}, "source": text}


def _code(cell_id: str, text: str) -> dict:
    return {"cell_type": "code", "execution_count": None, "id": cell_id, "metadata": {}, "outputs": [],
            "source": text}


def notebook_text(topic: str, solution: str, checks: Path = CHECKS, solved: bool = False) -> str:
    """The file `notebooks/<topic>.ipynb`: nbformat 4.5 JSON, written as Jupyter writes it."""
    # nbformat validates the notebook and writes it as Jupyter does: only for this tool.
    import nbformat

    notebook = nbformat.from_dict({"cells": notebook_cells(topic, solution, checks, solved), "metadata": METADATA,
                                   "nbformat": 4, "nbformat_minor": 5})
    nbformat.validate(notebook)
    return nbformat.writes(notebook) + "\n"


def expected_notebooks(solutions: Path = SOLUTIONS) -> dict[str, str]:
    """File name -> the notebook generated for it, for every topic with a solution file."""
    return {f"{topic}.ipynb": notebook_text(topic, (solutions / f"{topic}.py").read_text(encoding="utf-8"))
            for topic in available_topics() if (solutions / f"{topic}.py").is_file()}


def stale_notebooks(folder: Path = NOTEBOOKS) -> list[str]:
    """The notebooks of `folder` that differ from what `solutions/` makes (or are missing)."""
    return stale_files(folder, expected_notebooks())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m grader.authoring.notebook_stubs",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report notebooks that are out of date")
    args = parser.parse_args(argv)
    return write_generated(NOTEBOOKS, expected_notebooks(), "notebook", args.check)


if __name__ == "__main__":
    sys.exit(main())
