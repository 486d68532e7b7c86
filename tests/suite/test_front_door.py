"""Plain pytest grades: `pytest tests/topics/test_<topic>.py` runs the checks as `python -m grader`
does (grader/commands/pytest_plugin.py, named by tests/topics/conftest.py), ids naming topic and
exercise, without any worker while only collecting.

Each session here runs in this process (pytester's inline_run), read through its hook recorder.
"""

from __future__ import annotations

import shutil

import pytest

from conftest import REPO
from grader.course import CHECKS
from grader.verdict import plugin
from grader.workers import pool
# Imported here, before pytester's sessions: each ends by forgetting the modules it imported, and
# a worker's target must be the very function that `grader.workers.serve` names.
from grader.workers import serve  # noqa: F401
from test_golden import build_submission

LAYERS = str(CHECKS / "test_layers.py")


def run_reports(reprec) -> dict[str, pytest.TestReport]:
    """Each check's verdict: its call report, or its setup report where it never got to run."""
    found = {}
    for report in reprec.getreports("pytest_runtest_logreport"):
        if report.when == "call" or (report.when == "setup" and not report.passed):
            found[report.nodeid] = report
    return found


def test_collecting_names_every_exercise_and_starts_no_worker(pytester, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("collecting started a worker or the fork server")

    monkeypatch.setattr(plugin, "warm_up", refuse)
    monkeypatch.setattr(pool, "Worker", refuse)
    items, reprec = pytester.inline_genitems(LAYERS)
    reprec.assertoutcome()  # nothing failed to collect
    marked = {item.nodeid: plugin.exercise_of(item)[0] for item in items}
    assert marked
    for nodeid, exercise in marked.items():
        topic, symbol = exercise.split(".")
        assert nodeid.split("::")[:2] == [f"tests/topics/test_{topic}.py", symbol], nodeid


def test_stubs_fail_with_the_tables_message_and_solutions_pass(pytester, capsys):
    reprec = pytester.inline_run(LAYERS, "-k", "MyLinear")
    stubs = run_reports(reprec)
    assert stubs and all("::MyLinear::" in nodeid for nodeid in stubs)
    assert {report.outcome for report in stubs.values()} <= {"failed", "skipped"}
    failed = [report for report in stubs.values() if report.failed]
    assert failed and all("not implemented yet" in str(report.longrepr) for report in failed)
    # the grade table comes at the end, with the same message
    shown = capsys.readouterr().out
    assert "MyLinear" in shown.rpartition("torchlings: grading")[2] and "not implemented yet" in shown

    reprec = pytester.inline_run(LAYERS, "--submission", str(REPO / "solutions"))
    solutions = run_reports(reprec)
    assert solutions and {report.outcome for report in solutions.values()} <= {"passed", "skipped"}
    assert any(report.passed for report in solutions.values())
    skipped = [report for report in solutions.values() if report.skipped]
    assert all("CUDA" in report.longrepr[2] for report in skipped)  # skipped with its reason


def test_last_failed_and_exitfirst_rerun_only_the_failures(pytester, tmp_path):
    submission = tmp_path / "submission"
    submission.mkdir()
    build_submission(REPO / "tests" / "golden" / "layers-centered-wrong-reduction", submission)
    # addopts cleared: `make test` keeps pytest's cache off (-p no:cacheprovider), a student release does not
    cache = ["-o", "addopts=", "-o", f"cache_dir={tmp_path / 'cache'}", "--submission", str(submission)]
    first = run_reports(pytester.inline_run(LAYERS, *cache))
    failing = {nodeid for nodeid, report in first.items() if report.failed}
    assert failing and all("::CenteredLayer::" in nodeid for nodeid in failing)
    assert any(report.passed for report in first.values())
    again = run_reports(pytester.inline_run(LAYERS, "--lf", *cache))
    assert set(again) == failing
    once = run_reports(pytester.inline_run(LAYERS, "--lf", "-x", *cache))
    assert len(once) == 1 and next(iter(once.values())).failed
    shutil.rmtree(tmp_path / "cache", ignore_errors=True)


def test_the_table_names_the_students_own_file_not_the_copy_graded(pytester, tmp_path, capsys):
    submission = tmp_path / "submission"
    submission.mkdir()
    build_submission(REPO / "tests" / "golden" / "layers-centered-wrong-reduction", submission)
    reprec = pytester.inline_run(LAYERS, "-k", "CenteredLayer", "--submission", str(submission))
    assert any(report.failed for report in run_reports(reprec).values())
    table = capsys.readouterr().out.rpartition("torchlings: grading")[2]
    # the table wraps long paths at any slash: compared without its line breaks
    assert f"next:makeCenteredLayerpass,in{submission / 'layers.py'}" in "".join(table.split())
    assert "torchlings-submission" not in table


def test_reference_results_recorded_with_another_torch_are_said_to_be(pytester, monkeypatch, capsys):
    """A student release's recordings come from the instructor's torch: a learner on another one is told."""
    from grader.verdict import recording

    load = recording.for_topics

    def from_another_torch(check_files, reference):
        found = load(check_files, reference)
        for value in found.values():
            value.torch = "2.6.0+cpu"
        return found

    reprec = pytester.inline_run(LAYERS, "-k", "test_my_linear_parameters", "--submission", str(REPO / "solutions"))
    assert all(report.passed for report in run_reports(reprec).values())
    assert "recorded with torch" not in capsys.readouterr().err
    monkeypatch.setattr(recording, "for_topics", from_another_torch)
    reprec = pytester.inline_run(LAYERS, "-k", "test_my_linear_parameters", "--submission", str(REPO / "solutions"))
    assert all(report.passed for report in run_reports(reprec).values())
    assert "the reference results of layers were recorded with torch 2.6.0" in capsys.readouterr().err


def test_without_a_supported_torch_pytest_says_so_in_a_sentence(pytester, monkeypatch, capsys):
    from grader.course import support

    monkeypatch.setattr(support, "installed_torch", lambda: "2.1.0")
    reprec = pytester.inline_run(LAYERS, "--collect-only")
    assert reprec.ret == pytest.ExitCode.USAGE_ERROR
    err = capsys.readouterr().err
    assert "torch 2.6 or newer; this environment has torch 2.1.0" in err and "Traceback" not in err
