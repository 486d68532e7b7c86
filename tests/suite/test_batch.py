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

from conftest import REPO, run_grader
from grader.commands.grade_class import PROBLEMS_STATUS, Shard
from grader.course.topic_folders import locate
from grader.reports.class_report import (CANVAS_COLUMNS, POINTS_POSSIBLE, ClassStats, Problem, attention_lines, headline,
                                         incomplete_line, reason_pattern, student_problems)

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
    reports = student_reports(out)
    scores = {name: r["score"] for name, r in reports.items()}
    points = reports["ada"]["max_score"]  # the sum of the topic's checks, whatever they are
    assert scores["ada"] == points and scores["bob"] == 0
    assert 0 < scores["cy"] == scores["dee"] < points
    assert {p.name for p in out.iterdir()} >= {"students", "gradebook.csv", "gradebook-moodle.csv", "summary.md",
                                               "summary.html"}
    assert "4 students" in process.stdout


def canvas_rows(path):
    """The gradebook's rows as Canvas reads them: the header, the Points Possible row, the students'."""
    rows = list(csv.reader(path.open(encoding="utf-8")))
    return rows[0], rows[1], rows[2:]


def test_the_gradebook_is_in_canvas_import_layout_with_the_points_possible(whole_class):
    out, _ = whole_class
    header, possible, students = canvas_rows(out / "gradebook.csv")
    assert header == CANVAS_COLUMNS + ["torchlings"]  # one assignment: the total, by default
    reports = student_reports(out)
    assert possible[0] == POINTS_POSSIBLE and float(possible[-1]) == reports["ada"]["max_score"]
    assert [row[0] for row in students] == ["ada", "bob", "cy", "dee"]
    by_name = {row[0]: dict(zip(header, row)) for row in students}
    assert by_name["cy"]["SIS Login ID"] == "cy" and by_name["cy"]["Section"] == ""
    assert {name: float(row["torchlings"]) for name, row in by_name.items()} == {
        name: report["score"] for name, report in reports.items()}


def test_the_gradebook_columns_can_be_per_exercise_or_per_topic_with_a_bom_for_excel(whole_class, tmp_path):
    out, _ = whole_class
    reports = student_reports(out)
    exercises = [e["id"] for e in reports["ada"]["exercises"]]
    merged = grade("merge", str(out), "--out", str(tmp_path / "e"), "--gradebook-columns", "exercise",
                   "--assignment", "hw1", "--excel")
    assert merged.returncode == 0, merged.stderr
    assert (tmp_path / "e" / "gradebook.csv").read_bytes().startswith("\ufeff".encode())
    header, possible, students = canvas_rows(tmp_path / "e" / "gradebook.csv")
    assert header == ["\ufeffStudent", *CANVAS_COLUMNS[1:]] + [f"hw1: {e}" for e in exercises]
    maxima = {e["id"]: e["max_score"] for e in reports["ada"]["exercises"]}
    assert [float(v) for v in possible[len(CANVAS_COLUMNS):]] == [maxima[e] for e in exercises]
    cy = dict(zip(header, students[2]))
    assert [float(cy[f"hw1: {e}"]) for e in exercises] == [e["score"] for e in reports["cy"]["exercises"]]
    merged = grade("merge", str(out), "--out", str(tmp_path / "t"), "--gradebook-columns", "topic")
    header, possible, _ = canvas_rows(tmp_path / "t" / "gradebook.csv")
    assert header[len(CANVAS_COLUMNS):] == ["torchlings: layers"]
    moodle = list(csv.DictReader((tmp_path / "t" / "gradebook-moodle.csv").open()))
    assert list(moodle[0]) == ["Username", "ID number", "Full name", "torchlings: layers (%)"]
    assert {row["Username"]: float(row["torchlings: layers (%)"]) for row in moodle} == pytest.approx(
        {name: 100 * r["score"] / r["max_score"] for name, r in reports.items()})


def test_the_summaries_name_the_hardest_exercise_and_the_most_frequent_reason(whole_class):
    out, _ = whole_class
    markdown = (out / "summary.md").read_text()
    assert "hardest exercise layers.CenteredLayer" in markdown
    page = (out / "summary.html").read_text()
    assert "hardest exercise layers.CenteredLayer" in page
    assert "<svg" in page and "<script" not in page and "http://" not in page.replace(
        'xmlns="http://www.w3.org/2000/svg"', "")
    # cy's and dee's same mistake is one reason, counted twice; bob's stub did not attempt it
    reasons = markdown.split("## Most frequent reasons for lost points")[1]
    assert "- `layers.CenteredLayer`\n  - 2 × " in reasons
    assert "not implemented" not in reasons


def test_the_ci_summary_names_no_hidden_check_and_the_instructors_page_does(whole_class):
    from grader.commands.release import hidden_checks

    out, _ = whole_class
    hidden = [name.removeprefix("test_") for name in hidden_checks((REPO / "tests" / "topics" / "test_layers.py").read_text())]
    assert hidden, "layers has no hidden check to look for"
    markdown, page = (out / "summary.md").read_text(), (out / "summary.html").read_text()
    assert not [name for name in hidden if name in markdown]
    assert all(f"<code>{name}</code> (hidden)" in page for name in hidden)


def test_the_summaries_count_students_who_did_not_attempt_apart(whole_class):
    out, _ = whole_class
    markdown = (out / "summary.md").read_text()
    row = next(line for line in markdown.splitlines() if line.startswith("| `layers.CenteredLayer`"))
    cells = [cell.strip() for cell in row.split("|")[1:-1]]
    # three tried (ada right, cy and dee wrong), bob's stub did not: a third of the tried passed
    assert cells[2] == "1 / 3" and cells[3] == "1", row
    page = (out / "summary.html").read_text()
    assert "Students, lowest score first" in page and page.index(">bob<") < page.index(">ada<")


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
    shard = json.loads((tmp_path / "1-of-2" / "students" / "ada.json").read_text())["shard"]
    assert shard == {"index": 1, "count": 2, "students": 4}
    merged = grade("merge", str(tmp_path / "1-of-2"), str(tmp_path / "2-of-2"), "--out", str(tmp_path / "merged"))
    assert merged.returncode == 0, merged.stderr
    for name in ("gradebook.csv", "gradebook-moodle.csv", "summary.md", "summary.html"):
        assert (tmp_path / "merged" / name).read_text() == (whole_class[0] / name).read_text(), name

    # a missing shard, or one given twice, is refused; --partial writes a report that says so
    missing = grade("merge", str(tmp_path / "1-of-2"), "--out", str(tmp_path / "half"))
    assert missing.returncode == 2 and "shard 2/2 missing" in missing.stderr, missing.stderr
    assert not (tmp_path / "half").exists()
    twice = grade("merge", str(tmp_path / "1-of-2"), str(tmp_path / "1-of-2" / "students"), "--out",
                  str(tmp_path / "twice"))
    assert twice.returncode == 2 and "ada is in both" in twice.stderr, twice.stderr
    partial = grade("merge", str(tmp_path / "1-of-2"), "--out", str(tmp_path / "half"), "--partial")
    assert partial.returncode == 0 and "WARNING" in partial.stderr, partial.stderr
    assert "PARTIAL REPORT" in (tmp_path / "half" / "summary.md").read_text()


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


def test_reasons_keep_the_numbers_every_student_shares_and_no_path_or_login():
    from grader.reports.class_report import ClassStats, Options, summary_markdown

    def report(name, got):
        check = {"name": "output", "device": "cpu", "status": "failed", "hidden": False,
                 "message": f"MyLinear(5, 3)(X) differs: expected shape (5, 3), got {got} in /srv/class/{name}/x.py"}
        return {"name": name, "score": 0, "max_score": 1, "complete": True,
                "exercises": [{"id": "layers.MyLinear", "score": 0, "max_score": 1, "checks": [check]}]}

    stats = ClassStats(Options())
    for name, got in (("hw1-alice", "(3, 5)"), ("hw1-bob", "(5, 1)")):
        stats.add(report(name, got))
    markdown = summary_markdown(stats)
    assert "2 × MyLinear(5, 3)(X) differs: expected shape (5, 3), got (#, #) in …/x.py" in markdown
    assert "alice" not in markdown and "/srv" not in markdown


def test_a_roster_maps_classroom_folders_to_logins(tmp_path):
    from grader.reports import roster

    (tmp_path / "roster.csv").write_text("identifier,github_username,github_id,name\n"
                                         "a.lovelace@uni.edu,Ada-L,1,Ada Lovelace\nbob@uni.edu,bob,2,\n")
    students = roster.read(tmp_path / "roster.csv")
    assert roster.match("hw1-ada-l", students).login == "a.lovelace@uni.edu"
    assert roster.match("bob", students).name == "" and roster.match("hw1-rob", students) is None
    (tmp_path / "bad.csv").write_text("email,name\nx@y,X\n")
    with pytest.raises(roster.RosterError, match="no folder column"):
        roster.read(tmp_path / "bad.csv")


def test_a_students_files_are_found_in_a_cloned_repository(tmp_path):
    topics = ["layers", "blocks"]
    top, repo, deep, empty = (tmp_path / name for name in ("top", "repo", "deep", "empty"))
    for folder, files in ((top, ["layers.py", "exercises/blocks.py"]), (repo, ["README.md", "exercises/layers.py",
                                                                              "tests/topics/test_layers.py"]),
                          (deep, ["hw/src/blocks.ipynb", ".git/layers.py"]), (empty, ["notes.txt"])):
        for file in files:
            (folder / file).parent.mkdir(parents=True, exist_ok=True)
            (folder / file).write_text("")
    assert locate(top, topics) == top
    assert locate(repo, topics) == repo / "exercises"
    assert locate(deep, topics) == deep / "hw" / "src"
    assert locate(empty, topics) == empty


LOOPING = '''
class CenteredLayer(nn.Module):
    def forward(self, X):
        while True:
            pass
'''


@pytest.fixture(scope="module")
def cloned_class(tmp_path_factory):
    """`gh classroom clone student-repos`: whole repositories in <assignment>-<user>/, files under exercises/;
    one right, one empty, one whose file does not import, one that loops; a roster naming them and one more."""
    folder = tmp_path_factory.mktemp("cloned")
    solution = (REPO / "solutions" / "layers.py").read_text()
    files = {"hw1-ada": solution, "hw1-cy": "import a_module_nobody_installed\n" + solution,
             "hw1-dee": solution + LOOPING}
    for name in ("hw1-ada", "hw1-bob", "hw1-cy", "hw1-dee"):
        (folder / "class" / name / "exercises").mkdir(parents=True)
        (folder / "class" / name / "README.md").write_text("my repository\n")
        if name in files:
            (folder / "class" / name / "exercises" / "layers.py").write_text(files[name])
    (folder / "roster.csv").write_text("identifier,github_username,name,section\n"
                                       "ada@uni.edu,ada,Ada Lovelace,A\nbob@uni.edu,bob,Bob,B\n"
                                       "cy@uni.edu,cy,Cy,A\ndee@uni.edu,dee,Dee,B\neve@uni.edu,eve,Eve,A\n")
    out = folder / "results"
    process, report = run_grader("--class", str(folder / "class"), "--topic", "layers", "--out", str(out),
                                 "--roster", str(folder / "roster.csv"), "--timeout", "2", "--jobs", "2",
                                 "--fail-on-problems")
    return out, process, report


def test_cloned_repositories_are_graded_from_their_exercises_folder(cloned_class):
    out, process, report = cloned_class
    assert process.returncode == PROBLEMS_STATUS, process.stderr[-3000:]
    by_name = {s["name"]: s for s in report["submissions"]}
    assert by_name["hw1-ada"]["score"] == by_name["hw1-ada"]["max_score"] > 0
    assert by_name["hw1-ada"]["located"] == "exercises"
    header, _, rows = canvas_rows(out / "gradebook.csv")
    ada = dict(zip(header, rows[0]))
    assert (ada["Student"], ada["SIS Login ID"], ada["Section"]) == ("Ada Lovelace", "ada@uni.edu", "A")
    assert float(ada["torchlings"]) == by_name["hw1-ada"]["max_score"]


def test_the_class_report_names_who_needs_attention(cloned_class):
    out, process, report = cloned_class
    problems = {(p["student"], p["problem"]) for p in report["problems"]}
    assert problems == {("hw1-bob", "no_files"), ("hw1-cy", "import_failed"), ("hw1-dee", "timeouts"),
                        ("eve", "no_folder")}
    page = (out / "summary.html").read_text()
    for line in ("no topic files found (1): hw1-bob", "a topic file does not import (1): hw1-cy (layers)",
                 "checks timed out (1): hw1-dee", "in the roster, but no folder (1): eve"):
        assert line in process.stdout, process.stdout
        kind, names = line.split(" (1): ")
        assert f"<strong>{kind}</strong> (1): {names}" in page
    checks = [c for e in next(s for s in report["submissions"] if s["name"] == "hw1-dee")["exercises"]
              for c in e["checks"] if c["status"] == "timeout"]
    timed_out = [c for c in checks if "cause" not in c]
    not_run = [c for c in checks if c.get("cause") == "not_run"]
    assert timed_out and len(timed_out) + len(not_run) == len(checks)
    assert all(c["message"].startswith("not run: ") for c in not_run)
    assert all(not c["message"].startswith("not run: ") for c in timed_out)
    detail = f"{len(timed_out)} check run{'s' * (len(timed_out) > 1)} timed out"
    if not_run:
        detail += f"; {len(not_run)} check{'s' * (len(not_run) > 1)} not run after a timeout"
    assert f"checks timed out (1): hw1-dee ({detail})" in process.stdout, process.stdout
    markdown = (out / "summary.md").read_text()
    assert "| checks timed out | 1 |" in markdown
    assert "see above" not in markdown  # summary.md has no "above": a reason says what it refers to
    assert "hw1-" not in markdown and "@uni.edu" not in markdown and str(out.parent) not in markdown


def test_the_attention_list_counts_students_in_words_that_agree():
    assert attention_lines([Problem("hw1-ada", "no_files")])[0] == "1 student needs attention:"
    assert attention_lines([Problem("hw1-ada", "no_files"), Problem("hw1-bob", "no_files")])[0] == \
        "2 students need attention:"


def test_checks_not_run_after_a_timeout_are_not_counted_as_timeouts():
    def check(cause=None):
        return {"status": "timeout", "message": "...", **({"cause": cause} if cause else {})}

    report = {"name": "hw1-erin", "complete": True,
              "exercises": [{"id": "layers.MyLinear", "score": 0, "checks": [check(), check(), *[check("not_run")] * 3]}]}
    assert student_problems(report) == [
        Problem("hw1-erin", "timeouts", "2 check runs timed out; 3 checks not run after a timeout")]
    report["exercises"][0]["checks"] = [check()]
    assert student_problems(report) == [Problem("hw1-erin", "timeouts", "1 check run timed out")]


def test_the_class_run_counts_one_student_in_the_singular():
    assert headline(ClassStats(totals=[(1.0, 2.0)])).startswith("1 student: mean 50%, median 50% of the points")
    assert headline(ClassStats(totals=[(1.0, 2.0), (2.0, 2.0)])).startswith("2 students: mean 75%")
    assert incomplete_line(["hw1-ada"]).startswith("grader: 1 student has no complete grade (hw1-ada)")
    assert incomplete_line(["hw1-ada", "hw1-bob"]).startswith("grader: 2 students have no complete grade")
