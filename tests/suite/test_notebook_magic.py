"""The notebooks of notebooks/: generated from solutions/, up to date, and graded from inside
themselves by `%torchlings`, run here in a real kernel (nbclient and ipykernel)."""

import json
import os

import nbformat
import pytest
from nbclient import NotebookClient

from conftest import REPO
from grader.authoring.notebook_stubs import notebook_text, stale_notebooks
from grader.commands.release import solution_lines


def test_the_notebooks_are_up_to_date():
    assert stale_notebooks() == [], "run `make stubs`"


def test_every_notebook_holds_its_stubs_and_no_solution_line():
    secrets = solution_lines()
    for path in sorted((REPO / "notebooks").glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        code = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "code")
        assert "raise NotImplementedError(" in code, path.name
        assert [line for line in secrets if line in code] == [], path.name
        tasks = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")
        assert "zh.d2l.ai" in tasks and "d2l.ai" in tasks, path.name


def run_notebook(folder, text: str) -> str:
    """Save `text` as folder/notebooks/layers.ipynb (beside a link to the grader, as in the repository),
    run it in a kernel, and return what its last cell showed (text/plain), checking it came as HTML too."""
    (folder / "notebooks").mkdir(exist_ok=True)
    if not (folder / "grader").exists():
        os.symlink(REPO / "grader", folder / "grader")
    path = folder / "notebooks" / "layers.ipynb"
    path.write_text(text)
    notebook = nbformat.reads(text, as_version=4)
    NotebookClient(notebook, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(folder / "notebooks")}}).execute()
    shown = [output for output in notebook.cells[-1].outputs if output.output_type == "display_data"]
    assert len(shown) == 1, notebook.cells[-1].outputs
    assert "<pre" in shown[0].data["text/html"]
    return shown[0].data["text/plain"]


@pytest.mark.timeout(1200)
def test_the_magic_grades_the_saved_notebook_wrong_then_right(tmp_path):
    solution = (REPO / "solutions" / "layers.py").read_text()
    right = notebook_text("layers", solution, solved=True)
    cells = json.loads(right)["cells"]
    wrong_cell = next(c for c in cells if c["id"] == "layers-TensorReduction")
    text = "".join(wrong_cell["source"])
    assert "self.weight, X, X)" in text
    wrong_cell["source"] = text.replace("self.weight, X, X)", "self.weight, X, X) + 1")
    wrong = json.dumps({**json.loads(right), "cells": cells})

    table = run_notebook(tmp_path, wrong)
    assert f"graded {tmp_path / 'notebooks' / 'layers.ipynb'} as saved on disk" in table
    assert "warning" not in table  # the cells that ran are the saved ones
    lines = table.splitlines()
    assert any(line.split()[:1] == ["CenteredLayer"] and line.split()[-1] == "passed" for line in lines), table
    assert any("TensorReduction" in line and line.split()[-1] in ("partial", "failed") for line in lines), table
    assert "differs from the reference" in table and "next: make TensorReduction pass" in table
    assert "`%torchlings layers --hint` shows hint 1 of" in table  # what a notebook's learner types

    table = run_notebook(tmp_path, right)
    assert any(line.split()[:1] == ["layers"] and line.split()[-1] == "done" for line in table.splitlines()), table
    assert "failed" not in table and "partial" not in table, table


@pytest.mark.timeout(1200)
def test_the_magic_speaks_chinese_gives_hints_and_warns_of_unsaved_cells(tmp_path):
    stub = json.loads((REPO / "notebooks" / "layers.ipynb").read_text())
    stub["cells"][-1]["source"] = f"%torchlings layers --lang zh --hint --state {tmp_path / 'state'}"
    stub["cells"].insert(-1, {"cell_type": "code", "execution_count": None, "id": "unsaved", "metadata": {},
                              "outputs": [], "source": "x = 1"})
    saved = json.dumps(stub)
    stub["cells"][-2]["source"] = "x = 2"  # what runs differs from the file saved on disk
    (tmp_path / "notebooks").mkdir()
    os.symlink(REPO / "grader", tmp_path / "grader")
    (tmp_path / "notebooks" / "layers.ipynb").write_text(saved)
    notebook = nbformat.reads(json.dumps(stub), as_version=4)
    NotebookClient(notebook, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path / "notebooks")}}).execute()
    table = "".join(o.data["text/plain"] for o in notebook.cells[-1].outputs if o.output_type == "display_data")
    assert "尚未实现" in table, table
    assert "警告" in table, table
    assert "提示 1/" in table, table  # the first hint of the first unfinished exercise, in Chinese
    assert (tmp_path / "state").is_dir()


@pytest.mark.timeout(1200)
def test_without_a_saved_notebook_the_magic_grades_the_cells_the_kernel_ran(tmp_path):
    """Colab's case: the notebook is not a file beside the kernel; what the kernel ran is graded."""
    right = notebook_text("layers", (REPO / "solutions" / "layers.py").read_text(), solved=True)
    (tmp_path / "notebooks").mkdir()
    os.symlink(REPO / "grader", tmp_path / "grader")
    notebook = nbformat.reads(right, as_version=4)  # run, never saved
    typo = nbformat.v4.new_code_cell("nn.Lineer(2, 3)")  # a cell that raised: its error is not graded
    typo.metadata["tags"] = ["raises-exception"]  # (nbclient goes on past it)
    notebook.cells.insert(3, typo)
    NotebookClient(notebook, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path / "notebooks")}}).execute()
    table = "".join(o.data["text/plain"] for o in notebook.cells[-1].outputs if o.output_type == "display_data")
    assert "no layers.ipynb saved here: graded the" in table and "cells this kernel ran" in table, table
    assert any(line.split()[:1] == ["layers"] and line.split()[-1] == "done" for line in table.splitlines()), table
