"""`python -m grader hint`: hint levels on demand, kept per exercise, from the last grade."""

import json
import os
import shutil
import subprocess
import sys

import pytest

from conftest import REPO
from grader.commands import hint, main
from grader.course import guides
GUIDE = """
[MyLinear]
hints = ["the idea", "the API to look up", "close to code"]
d2l = "custom-layer"
book = "the book uses .data; here the parameters themselves"

[CenteredLayer]
hints = ["subtract the mean"]
d2l = "model-construction"
"""
GRADE = {"exercises": [
    {"id": "layers.CenteredLayer", "score": 2, "max_score": 2, "checks": []},
    {"id": "layers.MyLinear", "score": 1, "max_score": 3, "checks": []},
    {"id": "layers.TensorReduction", "score": 0, "max_score": 3, "checks": []},
]}


@pytest.fixture
def where(tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")  # the hints are wrapped to the terminal
    checks, state = tmp_path / "checks", tmp_path / "state"
    checks.mkdir()
    (checks / "guide_layers.toml").write_text(GUIDE)
    return ["--checks", str(checks), "--state", str(state), "--lang", "en"], state


def run(capsys, *argv) -> tuple[int, str]:
    status = main.main(["hint", *argv])
    return status, capsys.readouterr().out


def test_each_call_reveals_the_next_level_of_the_first_unfinished_exercise(where, capsys):
    options, state = where
    hint.save_last_grade(GRADE, state)
    status, out = run(capsys, *options)
    assert status == 0 and "layers.MyLinear" in out and "hint 1 of 3: the idea" in out
    assert "hint 2" not in out and "d2l.ai" not in out
    _, out = run(capsys, *options)
    assert "hint 1 of 3" in out and "hint 2 of 3: the API to look up" in out and "hint 3" not in out
    _, out = run(capsys, *options)
    assert "hint 3 of 3: close to code" in out
    assert "the book: the book uses .data" in out
    assert "https://zh.d2l.ai/chapter_deep-learning-computation/custom-layer.html" in out
    assert "https://d2l.ai/chapter_builders-guide/custom-layer.html" in out
    _, out = run(capsys, *options)
    assert "that was the last hint" in out
    assert json.loads((state / hint.HINTS_FILE).read_text()) == {"layers.MyLinear": 3}


def test_a_named_exercise_gets_its_own_levels(where, capsys):
    options, state = where
    status, out = run(capsys, "CenteredLayer", *options)
    assert status == 0 and "hint 1 of 1: subtract the mean" in out
    assert "read in d2l:\n  https://d2l.ai/chapter_builders-guide/model-construction.html\n" \
           "  https://zh.d2l.ai/chapter_deep-learning-computation/model-construction.html\n" in out
    assert hint.unlocked(state) == {"layers.CenteredLayer": 1}


def test_an_exercise_without_a_guide_entry_is_told_so(where, capsys):
    options, state = where
    hint.save_last_grade(GRADE, state)
    status, out = run(capsys, "layers.TensorReduction", *options)
    assert status == 0 and "layers.TensorReduction has no hints yet" in out
    assert hint.unlocked(state) == {}


def test_without_a_grade_the_student_is_asked_to_grade_first(where, capsys):
    options, _ = where
    status, out = run(capsys, *options)
    assert status == 1 and "make grade" in out
    status, out = run(capsys, "NoSuchExercise", *options)
    assert status == 2 and "no exercise is called NoSuchExercise" in out


def test_hints_come_in_chinese_with_lang_zh(where, capsys):
    options, state = where
    hint.save_last_grade(GRADE, state)
    _, out = run(capsys, *options, "--lang", "zh")
    assert "提示 1/3：the idea" in out  # the template is translated; a text without msgid stays


def test_a_student_grades_asks_twice_and_the_next_grade_shows_both_levels(tmp_path):
    """The whole loop, as a student runs it: grade the stubs, `hint`, `hint`, grade again."""
    submission, state = tmp_path / "exercises", tmp_path / "state"
    submission.mkdir()
    shutil.copy(REPO / "exercises" / "layers.py", submission)
    environment = {**os.environ, "COLUMNS": "200"}

    def grader(*argv: str) -> str:
        process = subprocess.run([sys.executable, "-m", "grader", *argv, "--state", str(state), "--lang", "en"],
                                 cwd=REPO, capture_output=True, text=True, timeout=600, env=environment)
        assert process.returncode == 0, process.stdout + process.stderr
        return process.stdout

    before = grader("--submission", str(submission), "--topic", "layers")
    first = hint.first_unfinished(json.loads((state / hint.LAST_GRADE_FILE).read_text()))
    levels = guides.load_guides()[first].hints
    shown = [f"hint {level} of {len(levels)}: {text}" for level, text in enumerate(levels, start=1)]
    assert f"> {first.split('.')[1]}" in before and f"`make hint` shows hint 1 of {len(levels)}" in before
    assert shown[0] not in before
    once = grader("hint")
    assert shown[0] in once and shown[1] not in once
    twice = grader("hint")
    assert shown[0] in twice and shown[1] in twice and shown[2] not in twice
    after = grader("--submission", str(submission), "--topic", "layers")
    assert shown[0] in after and shown[1] in after and shown[2] not in after
    assert f"`make hint` shows hint 3 of {len(levels)}" in after


OTHERS = """
[Gradients]
hints = ["accumulate"]
d2l = "autograd"
"""


def test_after_a_one_topic_grade_hint_moves_on_to_the_next_unfinished_exercise_of_any_topic(where, capsys):
    """A topic never graded is not done; a one-topic grade keeps what the others' grades said."""
    options, state = where
    (state.parent / "checks" / "guide_autograd.toml").write_text(OTHERS)
    hint.save_last_grade({"topics": ["layers"], "exercises": GRADE["exercises"]}, state)
    done = [{"id": e["id"], "score": e["max_score"], "max_score": e["max_score"], "checks": []}
            for e in GRADE["exercises"][:2]]
    hint.save_last_grade({"topics": ["autograd"], "exercises": []}, state)
    kept = json.loads((state / hint.LAST_GRADE_FILE).read_text())
    assert [e["id"] for e in kept["exercises"]] == [e["id"] for e in GRADE["exercises"]]  # layers' results stay
    hint.save_last_grade({"topics": ["layers"], "exercises": done}, state)  # layers, now all passing
    status, out = run(capsys, *options)
    assert status == 0 and "autograd.Gradients" in out and "hint 1 of 1: accumulate" in out
    assert "nothing left" not in out


def test_hint_follows_the_tables_next_line_the_topics_graded_last_first(where, capsys):
    """`make grade TOPIC=layers` says "next: make MyLinear pass": `make hint` speaks of MyLinear, not of an
    unfinished exercise of an earlier topic graded before; once the topics graded last pass, of any other."""
    options, state = where
    (state.parent / "checks" / "guide_blocks.toml").write_text('[MLP]\nhints = ["stack two layers"]\nd2l = "model-construction"\n')
    hint.save_last_grade({"topics": ["blocks"], "exercises": [
        {"id": "blocks.MLP", "score": 0, "max_score": 2, "checks": []}]}, state)
    hint.save_last_grade({"topics": ["layers"], "exercises": GRADE["exercises"]}, state)
    status, out = run(capsys, *options)
    assert status == 0 and "layers.MyLinear" in out and "blocks.MLP" not in out
    done = [{**e, "score": e["max_score"]} for e in GRADE["exercises"]]
    hint.save_last_grade({"topics": ["layers"], "exercises": done}, state)  # layers, now all passing
    status, out = run(capsys, *options)
    assert status == 0 and "blocks.MLP" in out and "hint 1 of 1: stack two layers" in out


def test_a_named_exercise_is_found_in_any_case_and_a_misspelt_one_gets_a_suggestion(where, capsys):
    options, state = where
    status, out = run(capsys, "mylinear", *options)
    assert status == 0 and "layers.MyLinear" in out
    status, out = run(capsys, "MyLiner", *options)
    assert status == 2 and "did you mean MyLinear?" in out


def test_the_mistake_the_last_grade_diagnosed_comes_before_the_general_levels(where, capsys):
    options, state = where
    checks = [{"name": "registers", "status": "passed", "message": ""},
              {"name": "indexing", "status": "failed", "message": "net[-1] is not the last module\n  hint: count from the end",
               "hint": "count from the end"}]
    hint.save_last_grade({"exercises": [{"id": "layers.MyLinear", "score": 1, "max_score": 3, "checks": checks}]}, state)
    _, out = run(capsys, *options)
    assert "your last grade found this mistake: count from the end" in out and "hint 1 of 3: the idea" in out
    assert out.index("count from the end") < out.index("hint 1 of 3")


def test_a_grade_without_a_diagnosis_shows_only_the_levels(where, capsys):
    options, state = where
    checks = [{"name": "indexing", "status": "failed", "message": "wrong"}]
    hint.save_last_grade({"exercises": [{"id": "layers.MyLinear", "score": 1, "max_score": 3, "checks": checks}]}, state)
    _, out = run(capsys, *options)
    assert "found this mistake" not in out and "hint 1 of 3: the idea" in out
