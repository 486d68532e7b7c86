"""A topic done in a notebook: `<topic>.ipynb` read as the topic file, on the trusted side.

A submission folder may hold `<topic>.py` or `<topic>.ipynb` for a topic. `topic_source(folder,
topic)` says which file is graded and, for a notebook, what of it: its code cells only, read
with nbformat (size-capped, validated), IPython's magics and `!shell` lines turned into
comments (they are never run: the grader runs Python, not a kernel). Nothing here runs the
notebook's code: the cells' text goes to a worker (`grader.workers.pool`), which compiles each
cell under its own name (`layers.ipynb, cell 4`), so that feedback names the cell and its line.

Cells are counted from 1, from the top of the notebook, Markdown cells included.
"""

from __future__ import annotations

import json
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from grader.course.i18n import Message, _

NOTEBOOK_SUFFIX = ".ipynb"
MAX_BYTES = 1 << 20  # the largest notebook read: a notebook of exercises is a few kilobytes, outputs aside
NBFORMAT = 4  # the notebook format version read (every Jupyter and Colab since 2015 writes it)
# The notebook's own lines that load and run `%torchlings` (grader.commands.notebook): not noted.
OWN_MAGIC = re.compile(r"^\s*(%torchlings\b|%run\s+\S*grader/commands/notebook\.py\b|%load_ext\s+grader\.commands\.notebook\b)")
MAX_ROUNDS = 20  # readings of one cell to find its magics: more means lines that hide one another
NOT_RUN = "# [not run by the grader] "  # what a magic or shell line becomes (indented: after a `pass`)


class NotebookError(ValueError):
    """A notebook that cannot be graded; `message` says why, to the student."""

    def __init__(self, message: Message):
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class Cell:
    """One code cell: its number (from 1, every cell counted) and its source, magics commented out."""

    number: int
    source: str


@dataclass(frozen=True)
class TopicSource:
    """The file graded for one topic of a folder, and for a notebook its code cells."""

    path: Path
    cells: tuple[Cell, ...] | None = None  # None: a Python file, imported as it is
    not_run: tuple[tuple[int, int, str], ...] = ()  # (cell, line, text) of each line turned into a comment
    ignored: Path | None = None  # the other file of the same topic, not graded

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def is_notebook(self) -> bool:
        return self.cells is not None

    def notes(self) -> list[Message]:
        """What the student is told besides the verdicts: which file was graded, what did not run."""
        notes = []
        if self.ignored is not None:
            notes.append(_("{topic}: both {graded} and {ignored} are in the folder; graded {graded}, not "
                           "{ignored} (remove one of them)", topic=self.path.stem, graded=self.name,
                           ignored=self.ignored.name))
        for cell, line, text in self.not_run:
            if OWN_MAGIC.search(text):  # the line that loads or runs the grader in the notebook itself
                continue
            notes.append(_("{file}, cell {cell}, line {line}: not run, the grader runs only Python code, not "
                           "magics or shell commands: {code}", file=self.name, cell=cell, line=line,
                           code=text.strip()[:120]))
        return notes


def notes(folder: Path, topics: list[str]) -> list[Message]:
    """For the student, about `topics` in `folder`: which file was graded where there are two,
    and each notebook line not run (a notebook that cannot be graded says why in its checks)."""
    found = []
    for topic in topics:
        try:
            source = topic_source(Path(folder), topic)
        except NotebookError:
            continue
        if source is not None:
            found += source.notes()
    return found


def topic_files(folder: Path, topic: str) -> list[Path]:
    """The files that could be `topic`'s in `folder`, the one graded first: `<topic>.py`, then
    `<topic>.ipynb` (whichever exist; a symbolic link counts, and is refused when graded)."""
    return [path for path in (folder / f"{topic}.py", folder / f"{topic}{NOTEBOOK_SUFFIX}")
            if path.exists() or path.is_symlink()]


def graded_file(folder: Path, topic: str) -> Path:
    """The file graded for `topic` in `folder` (`<topic>.py` when there is neither)."""
    found = topic_files(folder, topic)
    return found[0] if found else folder / f"{topic}.py"


def topic_source(folder: Path, topic: str) -> TopicSource | None:
    """What is graded for `topic` in `folder`: None when it holds no file for it. A Python file
    wins over a notebook (and the source says so); a notebook is read (`read_cells`), which
    raises NotebookError when it cannot be graded."""
    found = topic_files(Path(folder), topic)
    if not found:
        return None
    ignored = found[1] if len(found) > 1 else None
    if found[0].suffix != NOTEBOOK_SUFFIX:
        return TopicSource(found[0], ignored=ignored)
    cells, not_run = read_cells(found[0])
    return TopicSource(found[0], cells, not_run)


def read_cells(path: Path) -> tuple[tuple[Cell, ...], tuple[tuple[int, int, str], ...]]:
    """The code cells of the notebook at `path` and the lines of them not run (see `neutralize`).

    Reads at most MAX_BYTES, never through a symbolic link; the notebook must be JSON of
    format version 4, valid by nbformat's schema, and hold some code.
    """
    name = path.name
    data = _read_capped(path)
    try:
        raw = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise NotebookError(_("{file} is not a notebook: it is not valid JSON ({error}); save it again from "
                              "Jupyter or Colab", file=name, error=str(error)[:200])) from None
    if not isinstance(raw, dict) or "cells" not in raw and "worksheets" not in raw:
        raise NotebookError(_("{file} is not a notebook: it is JSON, but holds no cells", file=name))
    version = raw.get("nbformat")
    if version != NBFORMAT:
        raise NotebookError(_("{file} is a notebook of format version {version}; the grader reads version "
                              "{wanted}: open it in Jupyter or Colab and save it again",
                              file=name, version=str(version)[:20], wanted=NBFORMAT))
    # nbformat (and the jsonschema it validates with) costs a tenth of a second: only for notebooks.
    import nbformat

    captured: dict = {}
    try:
        notebook = nbformat.reads(data.decode("utf-8"), as_version=NBFORMAT, capture_validation_error=captured)
    except Exception as error:  # noqa: BLE001 - whatever nbformat makes of it, the notebook cannot be graded
        captured["ValidationError"] = error
    if captured.get("ValidationError") is not None:
        error = captured["ValidationError"]
        raise NotebookError(_("{file} is not a valid notebook ({error}); save it again from Jupyter or Colab",
                              file=name, error=str(getattr(error, "message", error)).splitlines()[0][:200])) from None
    cells, not_run = [], []
    for number, cell in enumerate(notebook.cells, start=1):
        if cell.cell_type != "code":
            continue
        try:
            source, lines = neutralize(cell.source)
        except ValueError:
            raise NotebookError(_("{file}, cell {cell}: its magics and shell lines could not be told apart from its "
                                  "Python code (lines that open a bracket or a string and never close it?)",
                                  file=name, cell=number)) from None
        cells.append(Cell(number, source))
        original = cell.source.splitlines()
        not_run += [(number, line, original[line - 1]) for line in lines]
    if not any(_has_code(cell.source) for cell in cells):
        raise NotebookError(_("{file} holds no code: write your answers in its code cells and save it",
                              file=name))
    return tuple(cells), tuple(not_run)


def cell_lines(path: Path, number: int) -> list[str]:
    """The lines of cell `number` of the notebook at `path`, as graded (magics commented);
    ValueError if it cannot be read or has no such code cell."""
    cells, _not_run = read_cells(path)
    for cell in cells:
        if cell.number == number:
            return cell.source.splitlines()
    raise ValueError(f"{path.name} has no code cell {number}")


def _read_capped(path: Path) -> bytes:
    """The file's bytes, read through no symbolic link and refused past MAX_BYTES."""
    name = path.name
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        if path.is_symlink():
            raise NotebookError(_("{file} is a symbolic link or not a regular file: submit the file itself",
                                  file=name)) from None
        raise NotebookError(_("{file} could not be read ({error})", file=name, error=error.strerror or str(error))) \
            from None
    with os.fdopen(fd, "rb") as stream:
        info = os.fstat(stream.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise NotebookError(_("{file} is a symbolic link or not a regular file: submit the file itself",
                                  file=name))
        data = stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise NotebookError(_("{file} is larger than the {limit} MiB the grader reads ({size:.1f} MiB), most "
                              "likely because of its outputs: clear all outputs (Edit menu) and save it again",
                              file=name, limit=MAX_BYTES >> 20, size=info.st_size / (1 << 20)))
    return data


def neutralize(source: str) -> tuple[str, list[int]]:
    """The cell's source with every IPython magic (`%time`, `%%capture`, `x = %env`), shell
    command (`!pip install`, `x = !ls`) and help request (`torch.zeros?`) turned into a comment,
    and the numbers (from 1) of the lines commented. IPython's own input transformer finds them,
    as a kernel would; a line in a string or a bracket is left alone.
    """
    # IPython is imported only to read notebooks: the grader of Python files never needs it.
    from IPython.core.inputtransformer2 import TransformerManager, make_tokens_by_line

    lines = source.splitlines(keepends=True)
    if lines and lines[-1].endswith("\\"):
        lines[-1] += "\n"
    if lines and lines[0].lstrip().startswith("%%"):  # a cell magic: its body is the magic's input
        return "".join(_comment(line) for line in lines), [n for n, line in enumerate(lines, 1) if line.strip()]
    manager = TransformerManager()
    commented: list[int] = []
    for _round in range(MAX_ROUNDS):  # each round reads the cell once: linear in its size
        try:
            # Each logical line on its own: IPython's transformers find the first match in a cell,
            # and asking once per match would read the cell again for every one of them.
            starts = sorted({min(found, key=lambda match: (match.start_col, match.priority)).start_line
                             for line in make_tokens_by_line(lines)
                             if (found := [match for kind in manager.token_transformers if (match := kind.find([line]))])})
        except Exception:  # noqa: BLE001 - IPython could not read the cell: Python will say why
            break
        if not starts:
            break
        for start in starts:  # commenting a line can change how the lines after it group: read again
            end = start
            while lines[end].rstrip("\r\n").endswith("\\") and end + 1 < len(lines):
                end += 1  # an escaped command continues on the next line
            for index in range(start, end + 1):
                if lines[index].lstrip().startswith(NOT_RUN) or lines[index].lstrip().startswith("pass  " + NOT_RUN):
                    continue
                lines[index] = _comment(lines[index], keep_block=index == start)
                commented.append(index + 1)
    else:
        raise ValueError("its magics and shell lines could not be told apart from its Python code")
    return "".join(lines), sorted(set(commented))
    return "".join(lines), commented


def _comment(line: str, keep_block: bool = False) -> str:
    """The line as a comment; `keep_block`: an indented line becomes `pass  # ...`, so that the
    block it was alone in (`if ...:` over `%time f()`) still parses."""
    body = line.lstrip()
    if not body.strip():
        return line
    indent = line[: len(line) - len(body)]
    return indent + ("pass  " if keep_block and indent else "") + NOT_RUN + body


def _has_code(source: str) -> bool:
    return any(line.strip() and not line.lstrip().startswith("#") for line in source.splitlines())
