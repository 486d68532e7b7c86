"""The command line a student, an instructor and a course's CI use."""

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from conftest import REPO, checks_points, run_grader, topic_points

from grader.commands.main import parser

SCHEMAS = Path(__file__).parent / "schemas"


@pytest.fixture(scope="module")
def partial_submission(tmp_path_factory):
    """Only layers.py, and it is the reference: blocks is not submitted."""
    folder = tmp_path_factory.mktemp("partial")
    shutil.copy(REPO / "solutions" / "layers.py", folder)
    out = tmp_path_factory.mktemp("reports")
    process = subprocess.run(
        [sys.executable, "-m", "grader", "--submission", str(folder), "--topic", "blocks", "--topic", "layers",
         "--json", str(out / "grade.json"), "--junit", str(out / "junit.xml"), "--gradescope", str(out / "results.json")],
        cwd=REPO, capture_output=True, text=True, timeout=600)
    return process, out


def test_a_grade_exits_0_and_prints_the_table(partial_submission):
    process, _ = partial_submission
    assert process.returncode == 0, process.stderr
    lines = [line.split() for line in process.stdout.splitlines()]
    layers, blocks = f"{topic_points('layers'):g}", f"{topic_points('blocks'):g}"
    assert ["layers", layers, "/", layers, "done"] in lines and ["blocks", "0", "/", blocks] in [l[:4] for l in lines]
    assert "not submitted: there is no blocks.py" in process.stdout
    assert ["Total", layers, "/", f"{topic_points('layers') + topic_points('blocks'):g}"] in lines


def test_the_json_report_follows_its_schema(partial_submission):
    _, out = partial_submission
    data = json.loads((out / "grade.json").read_text())
    jsonschema.validate(data, json.loads((SCHEMAS / "report.json").read_text()))
    assert (data["score"], data["max_score"]) == (topic_points("layers"), topic_points("layers") + topic_points("blocks"))
    assert data["topics"] == ["blocks", "layers"] and data["complete"] is True


def test_the_gradescope_file_follows_the_documented_shape(partial_submission):
    _, out = partial_submission
    data = json.loads((out / "results.json").read_text())
    jsonschema.validate(data, json.loads((SCHEMAS / "gradescope_results.json").read_text()))
    visible = [test["name"] for test in data["tests"] if test["visibility"] == "visible"]
    hidden = [test["name"] for test in data["tests"] if test["visibility"] == "after_published"]
    exercises = {**checks_points("blocks"), **checks_points("layers")}
    assert data["score"] == topic_points("layers") and sorted(visible) == sorted(exercises)
    assert hidden and all(name.removesuffix(" (hidden checks)") in visible for name in hidden)


def test_the_junit_file_has_a_case_per_check_run_with_its_status(partial_submission):
    _, out = partial_submission
    cases = ET.parse(out / "junit.xml").getroot().iter("testcase")
    statuses = {}
    for case in cases:
        properties = {p.get("name"): p.get("value") for p in case.iter("property")}
        statuses[properties["exercise"]] = statuses.get(properties["exercise"], set()) | {properties["status"]}
    assert statuses["layers.MyLinear"] == {"passed", "skipped"}
    assert statuses["blocks.MLP"] == {"failed", "skipped"}


def test_an_unknown_topic_is_a_usage_error_that_lists_the_topics():
    process = subprocess.run([sys.executable, "-m", "grader", "--topic", "nonsense"], cwd=REPO,
                             capture_output=True, text=True, timeout=120)
    assert process.returncode == 2
    assert "unknown topic nonsense" in process.stderr and "blocks" in process.stderr


def test_a_missing_submission_folder_is_a_usage_error(tmp_path):
    process, report = run_grader("--submission", str(tmp_path / "nowhere"))
    assert process.returncode == 2 and report is None


def test_a_class_is_graded_student_by_student(tmp_path):
    for name, source in (("ada", "solutions"), ("bob", "exercises")):
        (tmp_path / name).mkdir()
        shutil.copy(REPO / source / "layers.py", tmp_path / name)
    process, report = run_grader("--class", str(tmp_path), "--topic", "layers")
    assert process.returncode == 0, process.stderr
    scores = {s["name"]: (s["score"], s["max_score"]) for s in report["submissions"]}
    points = scores["ada"][1]  # the topic's checks' points, whatever they are
    assert points > 0 and scores == {"ada": (points, points), "bob": (0, points)}


def test_make_grade_grades_one_topic_of_another_folder():
    process = subprocess.run(["make", "--no-print-directory", "grade", "SUBMISSION=solutions", "TOPIC=layers"],
                             cwd=REPO, capture_output=True, text=True, timeout=600)
    assert process.returncode == 0, process.stderr
    assert f"Total  {topic_points('layers'):g} / {topic_points('layers'):g}" in process.stdout


def test_help_lists_every_command():
    process = subprocess.run([sys.executable, "-m", "grader", "--help"], cwd=REPO, capture_output=True, text=True,
                             timeout=60)
    assert process.returncode == 0, process.stderr
    from grader.commands.main import COMMANDS

    listed = {line.split()[0] for line in process.stdout.splitlines() if line.startswith("    ") and line.split()}
    assert set(COMMANDS) <= listed, process.stdout


def test_grading_is_the_default_command_and_class_is_both_a_command_and_an_option():
    from grader.commands import grade
    from grader.commands.main import main, parser

    assert parser().parse_args(["grade", "--topic", "layers"]).run is grade.run
    as_option = vars(parser().parse_args(["grade", "--class", "somewhere", "--jobs", "2"]))
    as_command = vars(parser().parse_args(["class", "somewhere", "--jobs", "2"]))
    assert as_option == as_command
    assert main(["--topic", "no-such-topic"]) == 2  # no command named: `grade` parses it


def test_the_head_and_each_finished_topic_are_printed_while_a_later_topic_is_still_graded(tmp_path):
    """Never silent: a hang in layers does not keep blocks' verdict, nor the head, waiting."""
    shutil.copy(REPO / "solutions" / "blocks.py", tmp_path)
    layers = (REPO / "solutions" / "layers.py").read_text()
    hang = "import time\n        time.sleep(300)  # a hang that ends by itself, should this test leave it behind"
    (tmp_path / "layers.py").write_text(layers.replace("return X - X.mean()", hang, 1))
    process = subprocess.Popen(
        [sys.executable, "-m", "grader", "--submission", str(tmp_path), "--topic", "blocks", "--topic", "layers",
         "--timeout", "600"], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        start_new_session=True, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        seen = []
        for line in process.stdout:
            seen.append(line)
            if line.split()[:4] == ["blocks", "14", "/", "14"]:
                break
        assert seen[0].startswith("torchlings: grading")
        assert process.poll() is None  # layers' hang has 600 s to go: blocks' line did not wait for it
    finally:
        os.killpg(process.pid, signal.SIGINT)  # Ctrl-C: the grader stops its workers
        process.communicate(timeout=120)


def folders_the_examples_write() -> set[str]:
    """The folders inside the repository that the README's command lines, `make release`'s OUT
    and the commands' own --out defaults write student data into (submissions, results, reports)."""
    readme = (REPO / "README.md").read_text()
    found = {m.group(1) for m in re.finditer(r'--(?:class|out)\s+"?([A-Za-z0-9_.-]+)', readme)}
    for args in re.findall(r"grader merge ([^\n`\"]*)", readme):
        found |= {arg.split("/")[0] for arg in args.split() if not arg.startswith("-")}
    found |= set(re.findall(r"^OUT \?= (\S+)", (REPO / "Makefile").read_text(), re.MULTILINE))
    subparsers = next(a for a in parser()._actions if isinstance(a, argparse._SubParsersAction))
    for command in subparsers.choices.values():
        found |= {a.default for a in command._actions if a.dest == "out" and isinstance(a.default, str)}
    return {name for name in found if name.strip(".") and not name.isupper()}  # DIR, RESULTS: placeholders


def test_git_ignores_the_folders_of_student_data_the_examples_create():
    folders = folders_the_examples_write()
    assert {"release", "results", "submissions", "class-report"} <= folders, folders
    not_ignored = [name for name in sorted(folders)
                   if subprocess.run(["git", "check-ignore", "-q", "--no-index", f"{name}/grade.json"],
                                     cwd=REPO).returncode != 0]
    assert not_ignored == [], f"{not_ignored} are not in .gitignore"


def test_with_v_what_the_code_printed_in_passing_checks_is_shown_whole_and_in_order(tmp_path):
    source = (REPO / "solutions" / "layers.py").read_text()
    source = source.replace("        return X - X.mean()", "        print('centering', tuple(X.shape))\n"
                            "        print('second line')\n        return X - X.mean()", 1)
    assert "print('centering'" in source
    (tmp_path / "layers.py").write_text(source)
    quiet, report = run_grader("--submission", str(tmp_path), "--topic", "layers")
    assert report["score"] == report["max_score"], quiet.stdout
    assert "centering" not in quiet.stdout  # without -v a passing check's prints stay unshown
    process, _ = run_grader("--submission", str(tmp_path), "--topic", "layers", "-v")
    lines = [line.strip() for line in process.stdout.splitlines()]
    first = next(index for index, line in enumerate(lines) if line.startswith("| centering ("))
    assert lines[first - 1] == "your code printed:" and lines[first + 1] == "| second line", process.stdout
