"""rustlings' `dev check`: every reference solution earns full marks, every untouched stub none."""

import pytest

from conftest import run_grader, topic_options
from grader.authoring.stubs import expected_stubs


@pytest.fixture(scope="module")
def solutions_report():
    process, report = run_grader("--submission", "solutions", *topic_options())
    assert process.returncode == 0, process.stderr[-3000:]
    return report


@pytest.fixture(scope="module")
def stubs_report():
    process, report = run_grader("--submission", "exercises", *topic_options())
    assert process.returncode == 0, process.stderr[-3000:]
    return report


def test_solutions_earn_full_marks(solutions_report):
    lost = {e["id"]: [c["message"] for c in e["checks"] if c["status"] not in ("passed", "skipped")]
            for e in solutions_report["exercises"] if e["score"] != e["max_score"]}
    assert not lost, lost
    assert solutions_report["score"] == solutions_report["max_score"] > 0


def test_stubs_earn_nothing(stubs_report):
    earned = {e["id"]: e["score"] for e in stubs_report["exercises"] if e["score"] > 0}
    assert not earned, f"untouched stubs earned points: {earned}"
    assert stubs_report["max_score"] > 0


def test_every_exercise_of_every_solution_has_a_stub_that_fails_with_a_pointer(stubs_report):
    for exercise in stubs_report["exercises"]:
        messages = [c["message"] for c in exercise["checks"] if c["status"] != "skipped"]
        assert any("not implemented yet" in m for m in messages), (exercise["id"], messages[:2])


def test_stubs_are_generated_from_the_solutions(repo):
    for name, text in expected_stubs().items():
        assert (repo / "exercises" / name).read_text() == text, f"exercises/{name} is stale: run `make stubs`"
