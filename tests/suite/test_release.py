"""The student release, the recorded reference results and the course bundles (Gradescope, GitHub Classroom)."""

import base64
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import jsonschema
import pytest
import torch

from conftest import REPO, run_grader
from test_golden import CASES, GOLDEN, build_submission

from grader.verdict import recording

from grader.commands import release

from grader.reports import student as reports
from grader.verdict.scoring import CheckOutcome, score

SCHEMA = json.loads((Path(__file__).parent / "schemas" / "gradescope_results.json").read_text())

CHECKS = '''
import pytest
from grader.checks.expect import expect_close

exercise = pytest.mark.exercise


def shared(toy):
    return toy.f(1)


def only_hidden(toy):
    return helper(toy)


def helper(toy):
    return toy.f(2)


@exercise("f", points=1)
def test_public(grade):
    got, want = grade.both(shared)
    expect_close(got, want)


# Hidden checks

@exercise("f", points=0.5, hidden=True)
def test_secret_check(grade):
    got, want = grade.both(only_hidden)
    expect_close(got, want)
    expect_close(*grade.both(shared))
'''


def test_strip_hidden_removes_hidden_checks_and_what_only_they_use():
    stripped = release.strip_hidden(CHECKS)
    assert "def test_public" in stripped and "def shared" in stripped
    for gone in ("test_secret_check", "only_hidden", "helper", "hidden=True", "# Hidden checks"):
        assert gone not in stripped
    assert release.hidden_checks(CHECKS) == {"test_secret_check": ("f", 0.5)}
    assert release.hidden_checks(stripped) == {}


def test_a_missing_recorded_result_is_an_error_not_a_pass():
    found = recording.Recording({"topic": "toy", "entries": [["test_toy", "shared", ["cpu"], torch.ones(2)]]})
    assert torch.equal(found.get(("test_toy", "shared", ("cpu",))), torch.ones(2))
    with pytest.raises(recording.NotRecorded, match="not recorded"):
        found.get(("test_toy", "shared", ("cpu", 2)))


def test_on_another_device_the_cpu_recording_is_used_on_that_device(monkeypatch):
    """No GPU here: the move to the device is faked; the lookup and the tolerance are real."""
    found = recording.Recording({"topic": "toy", "entries": [["test_toy", "out", ["cpu", 3], {"y": torch.ones(2)}]]})
    moved = []
    monkeypatch.setattr(torch.Tensor, "to", lambda self, device: moved.append(device) or self.clone())
    assert torch.equal(found.get(("test_toy", "out", ("cuda", 3)), "cuda")["y"], torch.ones(2)) and moved == ["cuda"]
    with pytest.raises(recording.NotRecorded):
        found.get(("test_toy", "out", ("cuda", 3)))  # a run on the CPU never stands in for itself

    from grader.checks.expect import CheckFailed, expect_same_as_reference

    class Grade:
        def both(self, probe, device, *args):
            return torch.ones(2) + 5e-5, found.get(("test_toy", "out", (device, *args)), device)["y"]

    expect_same_as_reference(Grade(), None, "cuda", 3)  # within CUDA's tolerance of the CPU result
    with pytest.raises(CheckFailed):
        expect_same_as_reference(Grade(), None, "cpu", 3)  # not within the CPU's


def test_recordings_load_as_plain_data_only(tmp_path):
    recording.save(tmp_path / "toy.pt", "toy", None, {("test_toy", "f", ("cpu",)): {"x": torch.ones(1), "n": 2}})
    assert torch.load(tmp_path / "toy.pt", weights_only=True)["entries"][0][:3] == ["test_toy", "f", ["cpu"]]


def test_gradescope_shows_hidden_checks_once_published():
    outcomes = [CheckOutcome("layers.MyLinear", "output", 1, "passed"),
                CheckOutcome("layers.MyLinear", "other_sizes", 0.5, "failed", message="no", hidden=True)]
    data = reports.to_gradescope(score(outcomes), 1.5)
    jsonschema.validate(data, SCHEMA)
    assert [(t["name"], t["score"], t["max_score"], t["visibility"]) for t in data["tests"]] == [
        ("layers.MyLinear", 1, 1, "visible"), ("layers.MyLinear (hidden checks)", 0, 0.5, "after_published")]
    assert data["stdout_visibility"] == "hidden" and data["output_format"] and data["execution_time"] == 1.5
    failure = reports.gradescope_failure("boom", 2)
    jsonschema.validate(failure, SCHEMA)
    assert failure["score"] == 0 and "boom" in failure["output"]


def test_classroom_result_is_what_the_grading_reporter_reads(tmp_path):
    report = {"score": 1, "max_score": 3, "complete": True, "exercises": [
        {"id": "layers.MyLinear", "score": 1, "max_score": 1, "checks": [{"status": "passed", "message": ""}]},
        {"id": "layers.TensorReduction", "score": 0, "max_score": 2,
         "checks": [{"status": "failed", "message": "wrong | shape\n  hint: einsum"}]}]}
    (tmp_path / "grade.json").write_text(json.dumps(report))
    env = dict(os.environ, GITHUB_OUTPUT=str(tmp_path / "out"), GITHUB_STEP_SUMMARY=str(tmp_path / "summary"))
    subprocess.run([sys.executable, str(REPO / "contrib" / "classroom" / "classroom.py"), str(tmp_path / "grade.json")],
                   env=env, check=True)
    name, _, encoded = (tmp_path / "out").read_text().strip().partition("=")
    result = json.loads(base64.b64decode(encoded))
    assert name == "result" and result["max_score"] == 3 and result["status"] == "fail"
    assert [(t["name"], t["status"], t["score"]) for t in result["tests"]] == [
        ("layers.MyLinear", "pass", 1), ("layers.TensorReduction", "fail", 0)]
    summary = (tmp_path / "summary").read_text()
    assert "| `layers.TensorReduction` | 0 / 2 | wrong \\| shape |" in summary


# Golden cases whose wrong answer a check looks into with more of the reference's results than
# a right answer needs (to pick its hint, or to judge load_checkpoint on the reference's file).
DIAGNOSED = ("autograd-vector-backward-overwrites-grad", "optimizers-adam-eps-in-sqrt",
             "checkpoints-save-forgets-rng", "tying-autoencoder-detached-decoder")


def test_a_wrong_answer_is_judged_from_the_recorded_reference_results_alone(tmp_path):
    """The recording is made from the solutions, which fail nothing: a reference result asked for
    only on a failure would be missing from it, an error of the grader instead of a verdict."""
    for name in DIAGNOSED:
        (tmp_path / "class" / name).mkdir(parents=True)
        build_submission(GOLDEN / name, tmp_path / "class" / name)
    process, data = run_grader("--class", str(tmp_path / "class"))
    assert process.returncode == 0, process.stderr[-3000:]
    for submission in data["submissions"]:
        checks = [c for e in submission["exercises"] for c in e["checks"]]
        assert not [c["message"] for c in checks if c["status"] == "error"], submission["name"]
        spec = json.loads((GOLDEN / submission["name"] / "case.json").read_text())
        messages = {e["id"]: " ".join(c["message"] for c in e["checks"]) for e in submission["exercises"]}
        assert all(text in messages[exercise] for exercise, text in spec["messages"].items()), submission["name"]


# The release itself: built once for the tests below.

@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("release") / "out"
    process = subprocess.run([sys.executable, "-m", "grader", "release", str(out)], cwd=REPO,
                             capture_output=True, text=True, timeout=900)
    assert process.returncode == 0, process.stderr
    return out


def grade_with(root: Path, *args: str) -> dict:
    report = root.parent / f"report-{os.urandom(4).hex()}.json"
    process = subprocess.run([sys.executable, "-m", "grader", *args, "--json", str(report)], cwd=root,
                             capture_output=True, text=True, timeout=900)
    assert process.returncode == 0, process.stderr
    return json.loads(report.read_text())


def test_a_solution_line_in_a_notebook_is_a_leak(tmp_path):
    """A notebook is JSON: a line of code with quotes is escaped in the file, and found all the same."""
    line = next(line for line in sorted(release.solution_lines()) if '"' in line)
    cell = {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": f"x = 1\n{line}\n"}
    (tmp_path / "layers.ipynb").write_text(json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4,
                                                       "nbformat_minor": 4}))
    assert line.encode() not in (tmp_path / "layers.ipynb").read_bytes()
    assert len(release.leaks(tmp_path)) == 1


def test_the_student_release_leaks_no_answer_and_no_hidden_check(built):
    student = built / "student"
    assert release.solution_lines(), "no solution line to look for"
    assert sorted(path.name for path in (student / "notebooks").glob("*.ipynb")) == \
        sorted(path.name for path in (REPO / "notebooks").glob("*.ipynb")) != []
    assert release.leaks(student) == []
    assert not (student / "solutions").exists() and not (student / "tests" / "golden").exists()
    for path in (student / "tests" / "topics").glob("test_*.py"):
        assert release.hidden_checks(path.read_text()) == {}


def test_the_student_catalogue_leaves_out_the_messages_only_hidden_checks_use(built, tmp_path):
    hidden = release.hidden_only_messages()
    assert hidden, "no message used only by hidden checks to look for"
    from babel.messages.pofile import read_po

    from grader.course import i18n

    assert hidden <= {m.id for m in i18n.read_catalog("zh_CN") if m.id}  # the instructor's catalogue has them
    po = next((built / "student" / "grader").rglob("torchlings.po"))
    with po.open("rb") as stream:
        shipped = {m.id for m in read_po(stream) if m.id}
    assert shipped and not hidden & shipped, hidden & shipped
    # the leak guard finds one in a catalogue
    shutil.copytree(REPO / "grader" / "course" / "locale", tmp_path / "locale")
    assert any("a hidden check's message" in leak for leak in release.leaks(tmp_path))


def test_the_leak_guard_finds_solution_code_pasted_into_a_public_check_file(tmp_path):
    from grader.course.solutions import solution_blocks

    block = next(b for b in solution_blocks((REPO / "solutions" / "layers.py").read_text(), "layers.py")
                 if len([line for line in b.code if line.strip()]) >= 2)
    checks = (REPO / "tests" / "topics" / "test_layers.py").read_text()
    (tmp_path / "test_layers.py").write_text(release.strip_hidden(checks))
    assert release.leaks(tmp_path) == []
    (tmp_path / "test_layers.py").write_text(release.strip_hidden(checks) + "\n\ndef helper(X):\n"
                                             + "".join(block.code))
    assert any("solution code" in leak for leak in release.leaks(tmp_path)), release.leaks(tmp_path)


def test_the_leak_guard_finds_solution_code_pasted_into_the_grader(tmp_path):
    """A probe of the grader ships to students too: a solution's code in it is a leak, even where
    the probe is the only other place that holds those lines."""
    from grader.course.solutions import solution_blocks

    block = next(b for b in solution_blocks((REPO / "solutions" / "tying.py").read_text(), "tying.py")
                 if len([line for line in b.code if line.strip()]) >= 2)
    (tmp_path / "grader" / "checks").mkdir(parents=True)
    (tmp_path / "grader" / "checks" / "nets.py").write_text("def net():\n" + "".join(block.code))
    assert any("grader/checks/nets.py: solution code" in leak for leak in release.leaks(tmp_path)), \
        release.leaks(tmp_path)


def test_the_grader_holds_no_solution_code(tmp_path):
    """The grader's sources as the student release ships them (catalogues aside: see the test of
    hidden messages) hold no two consecutive lines of a solution."""
    for path in (REPO / "grader").rglob("*.py"):
        target = tmp_path / path.relative_to(REPO)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    assert release.leaks(tmp_path) == []


def test_releases_are_built_from_tracked_files_only(built, tmp_path):
    repo = tmp_path / "course"
    (repo / "grader").mkdir(parents=True)
    (repo / "grader" / "engine.py").write_text("x = 1\n")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-C", str(repo)]
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "course"], check=True)
    for local in (".torchlings/last-grade.json", "submissions/ada/layers.py", "results/gradebook.csv",
                  "grader/draft.py"):
        (repo / local).parent.mkdir(parents=True, exist_ok=True)
        (repo / local).write_text("local\n")
    assert release.tracked_files(repo) == [Path("grader/engine.py")]
    assert release.untracked_files(repo) == ["grader/draft.py"]
    with zipfile.ZipFile(built / "autograder" / "torchlings-autograder.zip") as bundle:
        names = set(bundle.namelist())
    tracked = {path.as_posix() for path in release.tracked_files()}
    extra = {name for name in names - tracked if not name.startswith(".cache/reference/")}
    assert extra == {"setup.sh", "run_autograder"}, extra


def test_the_student_release_has_every_make_target_its_readme_and_table_name(built):
    """The table's `next:` lines and the README send students to `make grade`, `make hint` and `make watch`."""
    import re

    student = built / "student"
    targets = set(re.findall(r"^([a-z-]+):", (student / "Makefile").read_text(), flags=re.M))
    named = set(re.findall(r"`make ([a-z-]+)", (student / "README.md").read_text()))
    for source in (REPO / "grader").rglob("*.py"):  # the table's `next:` lines and the messages
        if "authoring" not in source.parts:  # instructors' tools, which name `make stubs`
            named |= set(re.findall(r"`make ([a-z-]+)", source.read_text()))
    assert {"grade", "test", "hint", "watch"} <= targets and named <= targets, named - targets
    process = subprocess.run(["make", "-n", "hint", "watch"], cwd=student, capture_output=True, text=True)
    assert process.returncode == 0, process.stderr
    assert ".torchlings/" in (student / ".gitignore").read_text()


def test_the_student_release_grades_solutions_full_and_stubs_zero(built, tmp_path):
    student = built / "student"
    shutil.copytree(REPO / "solutions", tmp_path / "answers")
    hidden = json.loads((student / "tests" / "recorded" / "autograder_only.json").read_text())
    full = grade_with(student, "--submission", str(tmp_path / "answers"))
    instructor = grade_with(REPO, "--submission", str(tmp_path / "answers"))
    assert hidden and full["score"] == full["max_score"] == instructor["max_score"] - sum(hidden.values())
    stubs = grade_with(student, "--submission", str(student / "exercises"))
    assert stubs["score"] == 0 and stubs["max_score"] == full["max_score"]
    assert subprocess.run([sys.executable, "-m", "grader.commands.release", "check"], cwd=student).returncode == 0


def test_plain_pytest_grades_in_the_student_release(built, tmp_path):
    """`pytest` in a student release: stubs fail, solutions pass, every check under its exercise
    (read from pytest's own JUnit XML)."""
    import xml.etree.ElementTree as ElementTree

    student = built / "student"
    assert (student / "README.zh-CN.md").is_file() and "pytest" in (student / "README.zh-CN.md").read_text()
    shutil.copytree(REPO / "solutions", tmp_path / "answers")
    for label, extra, status in (("stubs", [], 1), ("answers", [f"--submission={tmp_path / 'answers'}"], 0)):
        junit = tmp_path / f"{label}.xml"
        process = subprocess.run([sys.executable, "-m", "pytest", "-q", "-k", "MyLinear", f"--junitxml={junit}", *extra],
                                 cwd=student, capture_output=True, text=True, timeout=900)
        assert process.returncode == status, process.stdout[-3000:] + process.stderr
        cases = ElementTree.parse(junit).getroot().iter("testcase")
        names = [(case.get("classname"), [child.tag for child in case]) for case in cases]
        assert names and all(classname.endswith("test_layers.MyLinear") for classname, _ in names)
        outcomes = {tag for _, children in names for tag in children if tag != "properties"} - {"skipped"}
        assert outcomes == ({"failure"} if status else set()), names


@pytest.mark.timeout(900)
def test_pip_install_e_in_the_student_release_gives_a_torchlings_command(built, tmp_path):
    from test_install import install_editable, torchlings_grade

    student = tmp_path / "student"
    shutil.copytree(built / "student", student)  # pip writes its egg-info beside pyproject.toml
    install_editable(student, tmp_path / "env")
    data = torchlings_grade(tmp_path / "env", student / "exercises", tmp_path / "grade.json")
    assert data["score"] == 0 and data["max_score"] > 0


def public_scores(report: dict) -> dict[str, float]:
    """Each exercise's score on its public checks alone (the runs of a parametrized check, named
    `check[run]` in the report, are one check)."""
    outcomes = [CheckOutcome(e["id"], check, c["points"], c["status"], c["device"], run=run.removesuffix("]"))
                for e in report["exercises"] for c in e["checks"] if not c["hidden"]
                for check, _, run in [c["name"].partition("[")]]
    return {result.exercise: result.score for result in score(outcomes)}


@pytest.mark.timeout(1800)  # two class grades of every golden case
def test_every_golden_case_scores_the_same_in_the_student_release(built, tmp_path):
    """Graded with the release's public checks and recorded results, and by the instructor's grader
    on the public checks, exercise by exercise (the cases that need no grader options of their own)."""
    cases = [name for name in CASES if not json.loads((GOLDEN / name / "case.json").read_text()).get("grader_args")]
    for name in cases:
        (tmp_path / "class" / name).mkdir(parents=True)
        build_submission(GOLDEN / name, tmp_path / "class" / name)
    reports_by = {}
    for label, root in (("student", built / "student"), ("instructor", REPO)):
        data = grade_with(root, "--class", str(tmp_path / "class"))
        reports_by[label] = {s["name"]: s for s in data["submissions"]}
    for name in cases:
        student = {e["id"]: e["score"] for e in reports_by["student"][name]["exercises"]}
        assert student == public_scores(reports_by["instructor"][name]), name


def test_run_autograder_grades_from_the_bundle_on_a_dry_run_layout(built, tmp_path):
    autograder = tmp_path / "autograder"
    with zipfile.ZipFile(built / "autograder" / "torchlings-autograder.zip") as bundle:
        bundle.extractall(autograder / "source")
        assert {"setup.sh", "run_autograder", "solutions/layers.py", ".cache/reference/layers.pt"} <= set(bundle.namelist())
    run_autograder = autograder / "source" / "run_autograder"
    run_autograder.chmod(0o755)
    (autograder / "submission" / "exercises").mkdir(parents=True)
    shutil.copy(REPO / "solutions" / "layers.py", autograder / "submission" / "exercises")
    results = autograder / "results" / "results.json"
    env = dict(os.environ, TORCHLINGS_SOURCE=str(autograder / "source"), TORCHLINGS_PYTHON=sys.executable,
               TORCHLINGS_SUBMISSION=str(autograder / "submission"), TORCHLINGS_RESULTS=str(results))
    process = subprocess.run([str(run_autograder)], env=env, capture_output=True, text=True, timeout=600)
    assert process.returncode == 0, process.stderr
    data = json.loads(results.read_text())
    jsonschema.validate(data, SCHEMA)
    tests = {t["name"]: t for t in data["tests"]}
    assert tests["layers.MyLinear"]["visibility"] == "visible"
    assert tests["layers.MyLinear (hidden checks)"]["visibility"] == "after_published"
    assert tests["layers.MyLinear"]["score"] + tests["layers.MyLinear (hidden checks)"]["score"] == 3
    if os.geteuid() == 0:  # workers run as uid 65534: they read the grader's copy of the submission (the
        # score above), never the bundle's solutions
        assert not (autograder / "source" / "solutions" / "layers.py").stat().st_mode & 0o004


def test_the_student_readme_in_english_and_chinese_tells_hint_watch_and_chinese():
    english = (REPO / "contrib" / "release" / "README.md").read_text()
    chinese = (REPO / "contrib" / "release" / "README.zh-CN.md").read_text()
    assert "README.zh-CN.md" in "\n".join(english.splitlines()[:3])  # linked from the top
    for text in (english, chinese):
        for words in ("--lang zh", "LANG=zh_CN.UTF-8", "make hint", "make watch"):
            assert words in text, words
