"""`grader.course.notebooks`: a notebook read as a topic file, on the trusted side (no grading here)."""

import json
import os

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from grader.course import notebooks
from grader.course.notebooks import NOT_RUN, NotebookError, neutralize, read_cells, topic_source


def write(path, cells, **changes):
    notebook = new_notebook(cells=cells)
    text = nbformat.writes(notebook)
    if changes:
        data = json.loads(text)
        data.update(changes)
        text = json.dumps(data)
    path.write_text(text)
    return path


def test_code_cells_only_numbered_from_the_top(tmp_path):
    path = write(tmp_path / "layers.ipynb", [new_markdown_cell("# task"), new_code_cell("import torch"),
                                             new_markdown_cell("more"), new_code_cell("x = 1\ny = 2")])
    cells, not_run = read_cells(path)
    assert [(c.number, c.source) for c in cells] == [(2, "import torch"), (4, "x = 1\ny = 2")]
    assert not_run == ()


def test_magics_and_shell_lines_become_comments():
    source = ("import torch\n!pip install foo\nfiles = !ls\n%matplotlib inline\ntext = '''\n!not a command\n'''\n"
              "torch.zeros?\nif True:\n    %time y = 1\nprint(1 != 2)\n")
    out, lines = neutralize(source)
    assert lines == [2, 3, 4, 8, 10]
    out_lines = out.splitlines()
    assert all(out_lines[n - 1].lstrip().startswith(NOT_RUN) for n in lines if n != 10)
    assert out_lines[9] == f"    pass  {NOT_RUN}%time y = 1"  # the if's only line: the block stays
    assert out_lines[5] == "!not a command"  # inside a string: left alone
    assert out_lines[10] == "print(1 != 2)"
    compile(out, "cell", "exec")  # what is left is Python


def test_a_cell_magic_comments_the_whole_cell():
    out, lines = neutralize("%%capture\nraise SystemExit\n")
    assert lines == [1, 2] and all(line.startswith(NOT_RUN) for line in out.splitlines())


def test_lines_not_run_are_noted(tmp_path):
    write(tmp_path / "layers.ipynb", [new_code_cell("!pip install torch\nimport torch")])
    source = topic_source(tmp_path, "layers")
    assert source.is_notebook and source.not_run == ((1, 1, "!pip install torch"),)
    assert "layers.ipynb, cell 1, line 1: not run" in str(source.notes()[0])


def test_a_python_file_wins_and_the_notes_say_so(tmp_path):
    (tmp_path / "layers.py").write_text("x = 1\n")
    (tmp_path / "layers.ipynb").write_text("not even JSON")
    source = topic_source(tmp_path, "layers")
    assert not source.is_notebook and source.ignored.name == "layers.ipynb"
    assert "graded layers.py, not layers.ipynb" in str(source.notes()[0])
    assert topic_source(tmp_path, "blocks") is None


@pytest.mark.parametrize("content, says", [
    ("{\"cells\": [", "is not a notebook: it is not valid JSON"),
    ("[1, 2]", "holds no cells"),
    (None, "format version 3"),
    ("{\"cells\": [{\"cell_type\": \"code\"}], \"nbformat\": 4, \"nbformat_minor\": 5, \"metadata\": {}}",
     "is not a valid notebook"),
])
def test_bad_notebooks_are_refused_with_a_reason(tmp_path, content, says):
    path = tmp_path / "layers.ipynb"
    if content is None:
        write(path, [new_code_cell("x = 1")], nbformat=3)
    else:
        path.write_text(content)
    with pytest.raises(NotebookError) as error:
        topic_source(tmp_path, "layers")
    assert says in str(error.value.message)


def test_a_notebook_without_code_is_refused(tmp_path):
    write(tmp_path / "layers.ipynb", [new_markdown_cell("# only words"), new_code_cell("# a comment\n!ls")])
    with pytest.raises(NotebookError, match="holds no code"):
        read_cells(tmp_path / "layers.ipynb")


def test_megabytes_of_outputs_are_refused_unread(tmp_path):
    cell = new_code_cell("x = 1")
    cell.outputs = [nbformat.v4.new_output("stream", text="x" * (notebooks.MAX_BYTES + 10))]
    write(tmp_path / "layers.ipynb", [cell])
    with pytest.raises(NotebookError, match="clear all outputs"):
        read_cells(tmp_path / "layers.ipynb")


def test_a_symbolic_link_is_never_read(tmp_path):
    target = write(tmp_path / "elsewhere.ipynb", [new_code_cell("x = 1")])
    folder = tmp_path / "student"
    folder.mkdir()
    os.symlink(target, folder / "layers.ipynb")
    with pytest.raises(NotebookError, match="symbolic link"):
        topic_source(folder, "layers")


def test_every_topic_done_in_its_notebook_earns_what_the_python_file_earns(tmp_path):
    """rustlings' `dev check`, for notebooks: each generated notebook with the solutions' code in
    its cells earns full marks, and the notebooks of notebooks/, as generated, earn nothing."""
    from conftest import REPO, run_grader
    from grader.authoring.notebook_stubs import notebook_text
    from grader.course import available_topics

    for topic in available_topics():
        solution = (REPO / "solutions" / f"{topic}.py").read_text()
        (tmp_path / f"{topic}.ipynb").write_text(notebook_text(topic, solution, solved=True))
    process, solved = run_grader("--submission", str(tmp_path))
    assert process.returncode == 0, process.stderr[-3000:]
    lost = {e["id"]: [c["message"] for c in e["checks"] if c["status"] not in ("passed", "skipped")]
            for e in solved["exercises"] if e["score"] != e["max_score"]}
    assert not lost and solved["score"] == solved["max_score"] > 0, lost
    process, stubs = run_grader("--submission", str(REPO / "notebooks"))
    assert process.returncode == 0, process.stderr[-3000:]
    assert stubs["score"] == 0 and stubs["max_score"] == solved["max_score"]
    assert not any(note for note in stubs["notes"] if "not run" in note), stubs["notes"]  # the grader's own lines


def test_json_nested_past_pythons_recursion_limit_is_refused_not_a_crash(tmp_path):
    (tmp_path / "layers.ipynb").write_text("[" * 200_000 + "]" * 200_000)
    with pytest.raises(NotebookError, match="not valid JSON"):
        topic_source(tmp_path, "layers")


def test_lines_that_hide_one_another_are_refused_not_read_forever():
    # each unclosed bracket makes the next line part of its own: found one round at a time
    with pytest.raises(ValueError, match="could not be told apart"):
        neutralize("!echo (\n" * (notebooks.MAX_ROUNDS + 5))
    out, lines = neutralize("!echo (\n" * 3 + "x = 1\n")
    assert lines == [1, 2, 3] and out.splitlines()[3] == "x = 1"


def test_in_a_cloned_repository_the_folder_the_student_worked_in_is_graded(tmp_path):
    """A student repository holds exercises/ and notebooks/ as handed out; the student worked in one."""
    import shutil

    from conftest import REPO
    from grader.course import available_topics
    from grader.course.topic_folders import locate

    topics = available_topics()
    for name in ("exercises", "notebooks"):
        shutil.copytree(REPO / name, tmp_path / name)
    assert locate(tmp_path, topics) == tmp_path / "exercises"  # nothing done yet: the stubs
    notebook = tmp_path / "notebooks" / "layers.ipynb"
    notebook.write_text(notebook.read_text().replace("raise NotImplementedError(", "pass  # raise NotImplementedError("))
    assert locate(tmp_path, topics) == tmp_path / "notebooks"  # done in Jupyter
    stub = tmp_path / "exercises" / "layers.py"
    stub.write_text(stub.read_text() + "\n# done here too\n")
    assert locate(tmp_path, topics) == tmp_path / "exercises"  # both: the Python files
