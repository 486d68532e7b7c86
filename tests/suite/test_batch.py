"""Grading a class: resumable, shardable, and the class report (gradebook and summaries)."""

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from conftest import REPO
from grader.commands.grade_class import Shard
from grader.reports.class_report import reason_pattern

UNCENTERED = '''
class CenteredLayer(nn.Module):
    def forward(self, X):
        return X - X.mean(dim=0)  # per column, not of all the entries
'''


@pytest.fixture(scope="module")
def class_dir(tmp_path_factory):
    """Four students of `layers`: right, the untouched stub, and two with the same CenteredLayer mistake."""
    folder = tmp_path_factory.mktemp("class")
    solution = (REPO / "solutions" / "layers.py").read_text()
    sources = {"ada": solution, "bob": (REPO / "exercises" / "layers.py").read_text(),
               "cy": solution + UNCENTERED, "dee": solution + UNCENTERED}
    for name, source in sources.items():
        (folder / name).mkdir()
        (folder / name / "layers.py").write_text(source)
    return folder


def grade(*args, timeout=600):
    return subprocess.run([sys.executable, "-m", "grader", *args], cwd=REPO, capture_output=True, text=True,
                          timeout=timeout)


def grade_class(class_dir, out, *args):
    return grade("--class", str(class_dir), "--topic", "layers", "--out", str(out), *args)


def student_reports(out):
    """Each student's grade, without what may differ between two runs (timings)."""
    reports = {}
    for path in sorted((out / "students").glob("*.json")):
        report = json.loads(path.read_text())
        reports[path.stem] = {k: report[k] for k in ("score", "max_score", "exercises", "complete", "key")}
    return reports


@pytest.fixture(scope="module")
def whole_class(class_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("whole")
    process = grade_class(class_dir, out, "--jobs", "2")
    assert process.returncode == 0, process.stderr[-3000:]
    return out, process


def test_a_class_run_writes_a_report_per_student_and_the_class_report(whole_class):
    out, process = whole_class
    scores = {name: r["score"] for name, r in student_reports(out).items()}
    assert scores["ada"] == 8 and scores["bob"] == 0
    assert 0 < scores["cy"] == scores["dee"] < 8
    assert {p.name for p in out.iterdir()} >= {"students", "gradebook.csv", "summary.md", "summary.html"}
    assert "4 students" in process.stdout


def test_the_gradebook_has_a_row_per_student_with_total_and_one_column_per_exercise(whole_class):
    out, _ = whole_class
    rows = list(csv.DictReader((out / "gradebook.csv").open()))
    assert list(rows[0]) == ["Student", "SIS Login ID", "Section", "Total",
                             "layers.CenteredLayer", "layers.MyLinear", "layers.TensorReduction"]
    by_name = {row["Student"]: row for row in rows}
    assert list(by_name) == ["ada", "bob", "cy", "dee"]
    assert by_name["ada"]["Total"] == "8" and by_name["bob"]["Total"] == "0"
    cy = by_name["cy"]
    assert cy["SIS Login ID"] == "cy" and float(cy["Total"]) == sum(float(cy[c]) for c in list(cy)[4:])
    assert float(cy["layers.CenteredLayer"]) < 2 and cy["layers.MyLinear"] == "3"


def test_the_summaries_name_the_hardest_exercise_and_the_most_frequent_reason(whole_class):
    out, _ = whole_class
    markdown = (out / "summary.md").read_text()
    assert "**Hardest exercise:** `layers.CenteredLayer`" in markdown
    page = (out / "summary.html").read_text()
    assert "<code>layers.CenteredLayer</code>" in page.split("Hardest exercise")[1][:200]
    assert "<svg" in page and "<script" not in page and "http://" not in page.replace(
        'xmlns="http://www.w3.org/2000/svg"', "")
    # cy's and dee's same mistake is one reason, counted twice (bob's stub is another)
    reasons = markdown.split("## Most frequent reasons for lost points")[1]
    assert "- `layers.CenteredLayer`\n  - 2 × " in reasons


def test_a_rerun_grades_only_what_changed(whole_class, class_dir, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(whole_class[0], out)
    kept = (out / "students" / "ada.json").stat().st_mtime_ns
    (class_dir / "bob" / "layers.py").write_text((class_dir / "bob" / "layers.py").read_text() + "\n# edited\n")
    try:
        process = grade_class(class_dir, out, "--jobs", "1")
    finally:
        source = (class_dir / "bob" / "layers.py").read_text()
        (class_dir / "bob" / "layers.py").write_text(source.removesuffix("\n# edited\n"))
    assert process.returncode == 0, process.stderr[-3000:]
    assert "3 of 4 students already graded and current; grading 1" in process.stdout
    assert (out / "students" / "ada.json").stat().st_mtime_ns == kept


@pytest.mark.parametrize("how", ["SIGINT", "SIGKILL"])
def test_a_run_stopped_halfway_resumes_where_it_stopped_with_the_same_report(how, whole_class, class_dir, tmp_path):
    out = tmp_path / "out"
    command = [sys.executable, "-m", "grader", "--class", str(class_dir), "--topic", "layers", "--out", str(out),
               "--jobs", "1"]
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True,  # as in a terminal, where Ctrl-C is not ignored
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 300
    while not list((out / "students").glob("*.json")) and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.02)
    if how == "SIGINT":
        os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
    else:
        process.kill()  # the grading process follows its parent
    _, stderr = process.communicate(timeout=120)
    time.sleep(1)  # the orphaned grading process stops
    stopped = {path.stem: path.stat().st_mtime_ns for path in (out / "students").glob("*.json")}
    assert 1 <= len(stopped) < 4, stopped
    if how == "SIGINT":
        assert process.returncode == 130 and "interrupted" in stderr, stderr[-3000:]

    resumed = grade_class(class_dir, out, "--jobs", "1")
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert f"{len(stopped)} of 4 students already graded and current" in resumed.stdout
    assert {name: (out / "students" / f"{name}.json").stat().st_mtime_ns for name in stopped} == stopped
    assert student_reports(out) == student_reports(whole_class[0])
    assert (out / "gradebook.csv").read_text() == (whole_class[0] / "gradebook.csv").read_text()


def test_two_shards_merged_make_the_same_class_report_as_one_run(whole_class, class_dir, tmp_path):
    for shard in ("1/2", "2/2"):
        process = grade_class(class_dir, tmp_path / shard.replace("/", "-of-"), "--shard", shard, "--jobs", "1")
        assert process.returncode == 0, process.stderr[-3000:]
    assert len(list((tmp_path / "1-of-2" / "students").glob("*.json"))) == 2
    merged = grade("merge", str(tmp_path / "1-of-2"), str(tmp_path / "2-of-2"), "--out", str(tmp_path / "merged"))
    assert merged.returncode == 0, merged.stderr
    for name in ("gradebook.csv", "summary.md", "summary.html"):
        assert (tmp_path / "merged" / name).read_text() == (whole_class[0] / name).read_text(), name


def test_shards_split_the_sorted_class_without_overlap():
    names = [f"s{i:02}" for i in range(11)][::-1]
    slices = [Shard.parse(f"{k}/3").select(names) for k in (1, 2, 3)]
    assert slices[0] == ["s00", "s03", "s06", "s09"]
    assert sorted(sum(slices, [])) == sorted(names)
    for text in ("0/3", "4/3", "x"):
        with pytest.raises(Exception):
            Shard.parse(text)


def test_failure_reasons_are_grouped_without_their_numbers():
    first = reason_pattern("expected a tensor of shape (5, 3), got (3, 5); largest difference 0.25 at [1, 2]\n  hint: x")
    second = reason_pattern("expected a tensor of shape (7, 2), got (2, 7); largest difference 1e-3 at [0, 0]")
    assert first == second == "expected a tensor of shape (#, #), got (#, #); largest difference # at [#, #]"
    assert reason_pattern("conv1 is missing") == "conv1 is missing"
