"""The report writers: the JSON contract, Gradescope's results.json, the table, atomic writes."""

import json
import os
from pathlib import Path

import jsonschema
import pytest

from grader.course import guides

from grader.course import i18n

from grader.reports import student as reports
from grader.course.i18n import _
from grader.verdict.scoring import CheckOutcome, score

SCHEMAS = Path(__file__).parent / "schemas"

OUTCOMES = [
    CheckOutcome("layers.MyLinear", "parameters", 1, "passed"),
    CheckOutcome("layers.MyLinear", "output", 2, "failed", "cpu", "MyLinear(5, 3)(X) differs\n  hint: relu"),
    CheckOutcome("layers.MyLinear", "output", 2, "skipped", "cuda", "CUDA is not available on this machine"),
    CheckOutcome("blocks.MLP", "parameters", 0.5, "timeout", None, "it did not finish within 10 s"),
]


def schema(name):
    return json.loads((SCHEMAS / name).read_text())


def test_the_json_report_keeps_its_contract():
    data = reports.to_json(score(OUTCOMES), reports.environment())
    jsonschema.validate(data, schema("report.json"))
    assert (data["score"], data["max_score"]) == (1, 3.5)
    cuda = data["exercises"][0]["checks"][2]
    assert (cuda["device"], cuda["status"], cuda["message"]) == ("cuda", "skipped", "CUDA is not available on this machine")


def test_the_gradescope_file_has_the_documented_shape():
    data = reports.to_gradescope(score(OUTCOMES), execution_time=1.5)
    jsonschema.validate(data, schema("gradescope_results.json"))
    tests = {t["name"]: t for t in data["tests"]}
    assert tests["layers.MyLinear"]["score"] == 1 and tests["layers.MyLinear"]["max_score"] == 3
    assert tests["layers.MyLinear"]["status"] == "failed"
    assert "hint: relu" in tests["layers.MyLinear"]["output"]
    assert data["score"] == 1


def test_gradescope_says_once_that_cuda_runs_were_skipped_not_in_every_test():
    outcomes = OUTCOMES + [CheckOutcome("blocks.MLP", "output", 1, "skipped", "cuda",
                                        "CUDA is not available on this machine")]
    data = reports.to_gradescope(score(outcomes), execution_time=1.5)
    assert not any("SKIPPED" in t["output"] or "CUDA" in t["output"] for t in data["tests"]), data["tests"]
    assert data["output"].count("CUDA is not available on this machine") == 1
    assert "2 check runs skipped" in data["output"]


def test_the_gradescope_schema_rejects_what_gradescope_would():
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"tests": [{"status": "partial"}]}, schema("gradescope_results.json"))


def test_the_table_shows_each_topic_each_exercise_why_and_the_total():
    text = reports.table(score(OUTCOMES), "title", everything=True, width=100)
    assert "layers" in text and "1 / 3" in text and "blocks" in text and "0 / 0.5" in text
    assert "MyLinear(5, 3)(X) differs" in text and "hint: relu" in text
    assert "it did not finish within 10 s" in text
    assert text.splitlines()[-2] == "Total  1 / 3.5"


STUB_FRAME = "    layers.py, line 12, in forward: return X @ self.weight"
PATH = [
    CheckOutcome("blocks.MLP", "output", 1, "passed"),
    CheckOutcome("blocks.NestMLP", "output", 1, "passed"),
    CheckOutcome("layers.CenteredLayer", "output", 2, "passed"),
    CheckOutcome("layers.MyLinear", "output", 2, "error", None, "\x1b[31mRuntimeError\x1b[0m: mat1 and mat2 shapes "
                 "cannot be multiplied (5x3 and 4x2), a message long enough to need wrapping on a narrow terminal\n"
                 + STUB_FRAME + "\n  hint: check in_features"),
    CheckOutcome("layers.MyLinear", "gradients", 1, "failed", None, "the weight's gradient differs"),
    CheckOutcome("layers.MyLinear", "dtype", 1, "failed", None, "the output's dtype differs"),
    CheckOutcome("layers.TensorReduction", "output", 3, "failed", None, "not implemented yet: reduce"),
    CheckOutcome("data.make_loader", "batches", 3, "failed", None, "not implemented yet: load"),
]


def test_the_default_table_is_a_path_to_the_next_exercise(tmp_path):
    text = reports.table(score(PATH), "title", width=60, submission=tmp_path / "exercises")
    lines = text.splitlines()
    words = " ".join(text.split())
    assert any(line.split() == ["blocks", "2", "/", "2", "done"] for line in lines)  # a finished topic: one line
    assert "NestMLP" not in text
    assert any(line.startswith("> MyLinear") for line in lines)  # the first unfinished exercise, expanded
    assert "mat1 and mat2 shapes cannot be multiplied" in words and "hint: check in_features" in words
    assert "exercises/layers.py:12, in forward" in words  # the student's own file and line
    assert "X @ self.weight" not in text  # the code of a frame only with --all
    assert "and 2 more problems" in text and "the weight's gradient differs" not in text
    assert "not implemented yet: reduce" not in text  # only the first unfinished exercise is expanded
    assert any(line.split()[:2] == ["data", "0"] for line in lines)
    assert "next: make MyLinear pass" in words
    assert max(map(len, lines)) <= 60 and "\x1b" not in text


def test_everything_shows_every_problem_and_the_code_of_each_frame():
    text = reports.table(score(PATH), "title", everything=True, width=200)
    for piece in ("NestMLP", "the weight's gradient differs", "the output's dtype differs",
                  "not implemented yet: reduce", "not implemented yet: load", "return X @ self.weight"):
        assert piece in text
    assert "more problems" not in text


STUB = """def center(X):
    # - X itself stays unchanged
    # - the result is a new tensor
    raise NotImplementedError('return X minus its mean')
"""


@pytest.mark.parametrize("language, constraint", [("en", "- X itself stays unchanged"), ("zh", "- X 本身保持不变")])
def test_a_stub_not_yet_written_shows_its_constraints_in_the_students_language(tmp_path, language, constraint):
    (tmp_path / "layers.py").write_text(STUB)
    message = ("not implemented yet: return X minus its mean\n"
               "    layers.py, line 4, in center: raise NotImplementedError('return X minus its mean')")
    outcomes = [CheckOutcome("layers.center", "output", 2, "failed", None, message)]
    for everything in (False, True):
        lines = reports.table(score(outcomes), "title", tr=i18n.translator(language), everything=everything,
                              width=100, submission=tmp_path).splitlines()
        shown = [line.strip() for line in lines]
        assert shown.index(constraint) == shown.index("not implemented yet: return X minus its mean") + 1
        assert "- the result is a new tensor" in shown  # no msgid: as the stub says it
        assert not any("raise NotImplementedError" in line for line in lines)  # it only repeats the task
    (tmp_path / "layers.py").write_text(STUB.replace("raise NotImplementedError", "return X  #"))
    changed = reports.table(score(outcomes), "title", width=100, submission=tmp_path)
    assert "stays unchanged" not in changed  # only above the stub's own raise


@pytest.mark.parametrize("named", ["absolute", "relative", "another topic"])
def test_the_table_opens_no_file_a_worker_names_only_the_exercise_s_own_topic_file(tmp_path, named):
    """A frame is the worker's text: a forged one naming a file outside the submission (its
    stdout pipe, /dev/zero, the solutions) must not be read; only <topic>.py in the submission is."""
    submission, elsewhere = tmp_path / "submission", tmp_path / "elsewhere"
    submission.mkdir()
    elsewhere.mkdir()
    (submission / "layers.py").write_text("\n" * 10)  # no stub: nothing to show from it
    (elsewhere / "layers.py").write_text(STUB)
    (submission / "blocks.py").write_text(STUB)
    file = {"absolute": str(elsewhere / "layers.py"), "relative": "../elsewhere/layers.py",
            "another topic": "blocks.py"}[named]
    message = f"not implemented yet: return X minus its mean\n    {file}, line 4, in center: raise NotImplementedError()"
    outcomes = [CheckOutcome("layers.center", "output", 2, "failed", None, message)]
    text = reports.table(score(outcomes), "title", everything=True, width=200, submission=submission)
    assert "stays unchanged" not in text


def test_the_table_prints_no_control_sequence_whatever_a_message_holds():
    """Nested escapes, OSC, bidi controls and NUL in a message reach the terminal as plain text."""
    hostile = ("a\x1b\x1b[2J[2J\x1b]0;title\x07\x1b]8;;http://x\x1b\\link\x1b[H\x9b2J \u202eevil\u202c\u2066\u2069"
               "\x00\r\x7f\udce9 end\n    layers.py, line 1, in f\x1b[31m: x\n  hint: \x1b\x1b[2J[2J")
    outcomes = [CheckOutcome("layers.center", "output", 2, "failed", None, hostile)]
    for everything in (False, True):
        text = reports.table(score(outcomes), "title", everything=everything, width=100)
        assert not [c for c in text if (ord(c) < 32 and c != "\n") or 0x7f <= ord(c) <= 0x9f or 0xd800 <= ord(c) <= 0xdfff
                    or 0x202a <= ord(c) <= 0x202e or 0x2066 <= ord(c) <= 0x2069], repr(text)
        assert "end" in text


def test_the_table_shows_only_the_hint_levels_unlocked():
    guide = guides.Guide(hints=("level one", "level two", "level three"), d2l="custom-layer")
    shown = reports.table(score(PATH), "title", width=100, guides={"layers.MyLinear": guide},
                          unlocked={"layers.MyLinear": 2})
    assert "hint 1 of 3: level one" in shown and "hint 2 of 3: level two" in shown
    assert "level three" not in shown and "d2l.ai" not in shown
    assert "`make hint` shows hint 3 of 3" in shown
    none = reports.table(score(PATH), "title", width=100, guides={"layers.MyLinear": guide})
    assert "level one" not in none and "`make hint` shows hint 1 of 3" in none


def test_a_notebook_graded_from_a_terminal_is_told_make_hint_and_from_a_notebook_the_magic(tmp_path):
    """`%torchlings` works only inside Jupyter: the table suggests it only when a notebook asked for the grade."""
    (tmp_path / "layers.ipynb").write_text("{}")
    guide = guides.Guide(hints=("level one", "level two"), d2l="custom-layer")
    options = {"width": 100, "guides": {"layers.MyLinear": guide}, "submission": tmp_path}
    terminal = reports.table(score(PATH), "title", **options)
    assert "`make hint` shows hint 1 of 2" in terminal and "%torchlings" not in terminal
    assert "`make grade GRADE_ARGS=--all`" in terminal
    notebook = reports.table(score(PATH), "title", from_notebook=True, **options)
    assert "`%torchlings layers --hint` shows hint 1 of 2" in notebook and "make hint" not in notebook
    assert "`%torchlings layers --all`" in notebook


def test_the_notebook_magic_tells_the_grader_it_grades_for_a_notebook(tmp_path, monkeypatch):
    import argparse
    import subprocess

    from grader.commands import main, notebook

    ran = []
    monkeypatch.setattr(subprocess, "run", lambda command, **kwargs: ran.append(command) or
                        subprocess.CompletedProcess(command, 0, "", ""))
    notebook.grade(tmp_path, argparse.Namespace(lang=None, state=str(tmp_path), topic="layers", everything=False,
                                                hint=False))
    assert ran[0][1:3] == ["-m", "grader"]
    args = main.parser().parse_args(ran[0][3:])  # the grader takes what the magic sends
    assert args.from_notebook
    assert not main.parser().parse_args(["grade", "--submission", str(tmp_path)]).from_notebook


def test_the_chinese_table_wraps_by_display_width():
    text = reports.table(score(PATH), _("not implemented yet: {task}", task="a title"), tr=i18n.translator("zh"), width=40)
    assert "尚未实现" in text and "下一步" in text and "总分  4 / 14" in text
    assert max(reports.display_width(line) for line in text.splitlines()) <= 40


def test_wrapping_counts_wide_characters_twice_and_keeps_words_whole():
    lines = reports.wrap("张量" * 30 + " tensor gradient parameter", 21, "  ", "    ")
    assert all(reports.display_width(line) <= 21 for line in lines)
    assert "".join(line.strip() for line in lines).startswith("张量" * 30)
    assert reports.wrap("one two three", 8) == ["one two", "three"]


def test_wrapping_keeps_chinese_punctuation_with_its_neighbour_and_urls_whole():
    text = "返回" + "线性层、ReLU、shared、(最早的名字, 这个名字)" * 8 + "（共 3 个）。"
    for width in range(12, 40):
        lines = reports.wrap(text, width)
        assert all(reports.display_width(line) <= width for line in lines)
        assert not any(line[0] in reports.CLOSING or line[-1] in reports.OPENING for line in lines)
    url = "https://zh.d2l.ai/chapter_deep-learning-computation/model-construction.html"
    assert reports.wrap(f"read: {url}", 40, "", "  ") == ["read:", f"  {url}"]


def test_an_atomic_write_replaces_the_file_and_leaves_nothing_behind(tmp_path):
    target = tmp_path / "out" / "report.json"
    reports.write_atomically(target, "old")
    reports.write_atomically(target, "new")
    assert target.read_text() == "new"
    assert sorted(p.name for p in target.parent.iterdir()) == ["report.json"]


def test_a_failed_write_leaves_the_previous_file_intact(tmp_path, monkeypatch):
    target = tmp_path / "report.json"
    target.write_text("previous")

    def broken_replace(*args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        reports.write_atomically(target, "new")
    assert target.read_text() == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_the_table_printed_as_grading_goes_is_the_table_a_part_at_a_time():
    """The head before any check runs, a topic's lines as soon as its last check ran, then the end."""
    import io

    from grader.reports.live import LiveTable

    exercises = score(PATH)
    stream = io.StringIO()
    live = LiveTable("title", stream=stream, live=False, width=100)
    live.start()
    assert stream.getvalue() == "title\n\n"  # before the checks are even collected
    live.collected([result.exercise for result in exercises])
    live.topic_graded("blocks", [o for o in PATH if o.exercise.startswith("blocks.")])
    assert "blocks" in stream.getvalue() and "layers" not in stream.getvalue()  # layers is still being graded
    live.topic_graded("layers", [o for o in PATH if o.exercise.startswith("layers.")])
    live.finish(exercises)
    assert stream.getvalue() == reports.table(exercises, "title", width=100) + "\n"


def test_on_a_terminal_a_live_line_says_what_keeps_the_grading_waiting_and_goes_away():
    import io

    from grader.reports.live import CLEAR_LINE, LiveTable
    from grader.workers.pool import Place

    stream = io.StringIO()
    live = LiveTable("title", stream=stream, live=True, width=100)
    live.start()
    live.waiting("blocks", "blocks.FixedHiddenMLP", None, 6.2)
    assert stream.getvalue().endswith(CLEAR_LINE + "blocks: FixedHiddenMLP has been running for 6 s")
    live.check_done()
    assert stream.getvalue().endswith(CLEAR_LINE)
    quiet = LiveTable("title", stream=io.StringIO(), live=False, width=100)
    quiet.waiting("blocks", "blocks.FixedHiddenMLP", Place(__file__, 1, "f"), 6.2)
    assert "running" not in quiet.stream.getvalue()  # not on a terminal: plain output only


def test_well_done_speaks_only_of_the_topics_graded():
    passed = [CheckOutcome("layers.MyLinear", "output", 2, "passed")]
    assert reports.table(score(passed), "title", width=100).splitlines()[-1] == "every exercise passes: well done"
    scoped = reports.table(score(passed), "title", width=100, others=True).splitlines()[-1]
    assert scoped == "every exercise of layers passes; the other topics were not graded this time"


def test_wrapping_never_breaks_inside_an_identifier_a_code_span_or_a_chinese_word():
    text = ("这个结果仍然需要梯度：先调用张量.detach()，再转换成 numpy；`make hint EXERCISE=MyLinear` "
            "给出下一个提示，张量的形状保持不变。")
    whole = [".detach()，", "`make hint EXERCISE=MyLinear`", "张量的形状保持不变。", "先调用张量"]
    for width in range(34, 80):  # the code span fits on a line from 34 columns
        lines = [line.strip() for line in reports.wrap(text, width, "  ", "    ")]
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")
        for piece in whole:
            assert any(piece in line for line in lines), (width, piece, lines)


def test_a_file_that_does_not_import_is_said_once_for_the_file_with_fix_this_first():
    why = "importing blocks.py failed: SyntaxError: invalid syntax\n    blocks.py, line 3: def (:"
    outcomes = [CheckOutcome("blocks.MLP", "output", 1, "error", None, why, cause="import_failed"),
                CheckOutcome("blocks.MySequential", "output", 2, "error", None, why, cause="import_failed"),
                CheckOutcome("layers.MyLinear", "output", 2, "error", None, "not implemented yet", cause="not_implemented")]
    for everything in (False, True):
        text = reports.table(score(outcomes), "title", width=100, everything=everything)
        assert text.count("SyntaxError: invalid syntax") == 1, text
        assert "the file does not import: fix this first" in text and "MySequential" not in text
        assert text.splitlines()[-1].startswith("next: make blocks.py import")


def test_what_the_code_printed_is_shown_whole_in_order_and_apart_from_the_error():
    from grader.workers.pool import format_error

    error = {"type": "RuntimeError", "message": "shapes differ", "frames": ["layers.py, line 3, in forward: X @ W"]}
    few = format_error(error, "torch.Size([2, 3])\nsecond line\nthird line\n")
    text = reports.table(score([CheckOutcome("layers.MyLinear", "output", 2, "error", None, str(few))]), "t", width=100,
                         everything=True)
    lines = [line.strip() for line in text.splitlines()]
    start = lines.index("your code printed:")
    assert lines[start + 1:start + 4] == ["| torch.Size([2, 3])", "| second line", "| third line"]
    assert lines.index("RuntimeError: shapes differ") < start  # the error first, then what was printed
    many = str(format_error(error, "".join(f"line {n}\n" for n in range(1, 41))))
    assert "| line 1\n" in many and "| line 40" in many and "30 lines cut" in many and "| line 20\n" not in many


def test_points_whose_cuda_runs_were_skipped_are_said_not_verified_in_the_table_and_the_json():
    outcomes = [CheckOutcome("layers.MyLinear", "parameters", 1, "passed"),
                CheckOutcome("layers.MyLinear", "output", 2, "passed", "cpu"),
                CheckOutcome("layers.MyLinear", "output", 2, "skipped", "cuda", "CUDA is not available on this machine")]
    results = score(outcomes)
    data = reports.to_json(results, reports.environment())
    jsonschema.validate(data, schema("report.json"))
    assert (data["score"], data["unverified"], data["exercises"][0]["unverified"]) == (3, 2, 2)
    words = " ".join(reports.table(results, "title", width=80).split())
    assert "2 of these points not verified on this machine" in words
    verified = score([outcome for outcome in outcomes if outcome.device != "cuda"])
    assert reports.to_json(verified, reports.environment())["unverified"] == 0
    assert "not verified" not in reports.table(verified, "title", width=80)
