"""`%torchlings TOPIC`: grade a topic from inside its notebook, in Jupyter, Colab or VS Code.

Every notebook of `notebooks/` loads it in its first code cell, `%run ../grader/commands/notebook.py`
(or, where the grader is importable, `%load_ext grader.commands.notebook`), and its last cell
grades: `%torchlings layers [--lang zh] [--all] [--hint]`.

What is graded is the notebook as saved on disk, `<topic>.ipynb` in the kernel's working folder
(Jupyter starts a kernel in its notebook's folder), by `python -m grader` in a process of its own,
exactly as `make grade` would grade it: the kernel's live objects never reach the grader. The
table says which file it graded and when it was saved, and warns when a cell ran after that
save (the grade is then of older code). Where no such file exists (Colab keeps a notebook
opened from GitHub in the browser, not on disk), the cells this kernel ran, in the order it ran
them (those that raised left out), are written to a notebook of their own and graded, and the
table says so.

The table comes as HTML in Jupyter and Colab, and as text elsewhere (a terminal IPython).
"""

from __future__ import annotations

import argparse
import html
import json
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if __name__ == "__main__" and not __package__:  # run as a file by `%run`: the grader's folder is importable then
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from IPython.core.magic import Magics, line_magic, magics_class  # noqa: E402 - after the path is set
from IPython.display import display  # noqa: E402

from grader.course import REPO, notebooks  # noqa: E402
from grader.course.i18n import _, translator  # noqa: E402

STATE = REPO / ".torchlings" / "notebooks"  # the last grade and the unlocked hints of notebook grades


def arguments(line: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="%torchlings", add_help=False)
    parser.add_argument("topic")
    parser.add_argument("--lang", default=None)
    parser.add_argument("--all", dest="everything", action="store_true")
    parser.add_argument("--hint", action="store_true")
    parser.add_argument("--notebook", default=None, help="the notebook file to grade (default: TOPIC.ipynb here)")
    parser.add_argument("--state", default=str(STATE), help="where the last grade and the unlocked hints are kept")
    return parser.parse_args(shlex.split(line))


@magics_class
class Torchlings(Magics):
    """The `%torchlings` magic, and when each cell last started running (to tell an unsaved notebook)."""

    def __init__(self, shell):
        super().__init__(shell)
        self.ran: list[tuple[float, str]] = []  # (when it started, its source) of each cell run since loading
        # What the kernel ran, for a notebook that is not on disk: the cells before this one was
        # loaded, the loading cell included, as typed (IPython's `In` holds them with magics made
        # into calls), then each cell that ran without an error.
        self.kept: list[str] = list(shell.history_manager.input_hist_raw[1:])
        shell.events.register("pre_run_cell", self._cell_starts)
        shell.events.register("post_run_cell", self._cell_ends)

    def _cell_starts(self, info) -> None:
        self.ran.append((time.time(), getattr(info, "raw_cell", "") or ""))

    def _cell_ends(self, result) -> None:
        """A cell that raised is left out of the kernel's cells graded: what it changed before it
        failed stays in the kernel, but running it again would fail the import of all of them."""
        if getattr(result, "success", False):
            self.kept.append(getattr(result.info, "raw_cell", "") or "")

    def unsaved(self, notebook: Path, saved: float) -> float | None:
        """When the last cell ran that started after the notebook was saved and is not in it as
        saved (None if none: running the saved cells again changes nothing)."""
        try:
            cells = json.loads(notebook.read_text(encoding="utf-8")).get("cells", [])
            on_disk = {_joined(cell.get("source", "")).strip() for cell in cells if isinstance(cell, dict)}
        except (OSError, ValueError, AttributeError):
            on_disk = set()
        late = [when for when, source in self.ran[:-1] if when > saved and source.strip() not in on_disk]
        return max(late, default=None)

    @line_magic
    def torchlings(self, line: str) -> None:
        try:
            args = arguments(line)
        except SystemExit:
            print("usage: %torchlings TOPIC [--lang zh] [--all] [--hint] [--notebook PATH] [--state DIR]",
                  file=sys.stderr)
            return
        tr = translator(args.lang)
        notebook = Path(args.notebook) if args.notebook else Path.cwd() / f"{args.topic}{notebooks.NOTEBOOK_SUFFIX}"
        with tempfile.TemporaryDirectory(prefix="torchlings-notebook-") as scratch:
            if notebook.is_file():
                saved = notebook.stat().st_mtime
                lines = [tr(_("graded {path} as saved on disk at {time}",
                              path=str(notebook), time=time.strftime("%H:%M:%S", time.localtime(saved))))]
                late = self.unsaved(notebook, saved)
                if late is not None:
                    lines.append(tr(_("warning: a cell that is not in the saved notebook ran at {time}, after it "
                                      "was last saved: this grade is of the saved file; save it (Ctrl-S) and "
                                      "grade again", time=time.strftime("%H:%M:%S", time.localtime(late)))))
                folder = notebook.parent
            else:
                folder = Path(scratch)
                count = write_history(self.kept, folder / f"{args.topic}{notebooks.NOTEBOOK_SUFFIX}")
                lines = [tr(_("no {file} saved here: graded the {count} cells this kernel ran, in the order it "
                              "ran them", file=notebook.name, count=count))]
            text = "\n".join(lines) + "\n\n" + grade(folder, args)
        show(text)


def _joined(source) -> str:
    return "".join(source) if isinstance(source, list) else str(source)


def write_history(sources: list[str], path: Path) -> int:
    """These cells' sources, in order, as a notebook at `path`; how many there were."""
    ran = [source for source in sources if source.strip()]
    cells = [{"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": source}
             for source in ran]
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 4}))
    return len(cells)


def grade(folder: Path, args: argparse.Namespace) -> str:
    """The table `python -m grader` prints for this topic of `folder` (then, with --hint, the next hint)."""
    common = [*(["--lang", args.lang] if args.lang else []), "--state", args.state]
    command = [sys.executable, "-m", "grader", "grade", "--submission", str(folder), "--topic", args.topic, *common,
               "--from-notebook", *(["--all"] if args.everything else [])]
    process = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
    text = process.stdout + (process.stderr if process.returncode else "")
    if args.hint and process.returncode == 0:
        hint = subprocess.run([sys.executable, "-m", "grader", "hint", *common], cwd=REPO,
                              capture_output=True, text=True)
        text += "\n" + hint.stdout + hint.stderr
    return text.rstrip()


class Table:
    """The grade as IPython shows it: HTML in a notebook, plain text elsewhere."""

    def __init__(self, text: str):
        self.text = text

    def _repr_html_(self) -> str:
        return f'<pre style="white-space: pre-wrap">{html.escape(self.text)}</pre>'

    def __repr__(self) -> str:
        return self.text


def show(text: str) -> None:
    display(Table(text))


def load_ipython_extension(shell) -> None:
    """`%load_ext grader.commands.notebook` (and `%run` of this file): `%torchlings`, once per kernel."""
    if Torchlings.__name__ not in shell.magics_manager.registry:  # by name: `%run` again defines the class anew
        shell.register_magics(Torchlings(shell))


if __name__ == "__main__":
    from IPython import get_ipython  # only where `%run` runs this file, inside a kernel

    _shell = get_ipython()
    if _shell is None:
        print("run this inside IPython or Jupyter: %run grader/commands/notebook.py", file=sys.stderr)
        sys.exit(2)
    load_ipython_extension(_shell)
    if sys.argv[1:]:
        _shell.run_line_magic("torchlings", shlex.join(sys.argv[1:]))
