"""The rule that turns outcomes into points."""

from dataclasses import replace

import pytest

from grader.verdict.scoring import CheckOutcome, score


def run(status, check="output", points=1.0, exercise="layers.MyLinear", device="cpu", message=""):
    return CheckOutcome(exercise, check, points, status, device, message)


def test_every_run_passed_earns_the_check_s_points():
    (result,) = score([run("passed"), run("passed", check="gradients", points=2)])
    assert (result.score, result.max_score, result.status) == (3, 3, "passed")


def test_a_skipped_device_does_not_count():
    (result,) = score([run("passed", device="cpu"), run("skipped", device="cuda", message="no CUDA")])
    assert (result.score, result.max_score) == (1, 1)


def test_a_check_earns_in_proportion_to_the_runs_that_passed():
    (result,) = score([run("passed", device="cpu", points=2), run("failed", device="cuda", points=2)])
    assert (result.score, result.max_score, result.status) == (1, 2, "partial")


def test_a_check_whose_runs_were_all_skipped_earns_nothing_but_still_counts():
    (result,) = score([run("skipped")])
    assert (result.score, result.max_score, result.status) == (0, 1, "failed")


@pytest.mark.parametrize("status", ["failed", "error", "timeout"])
def test_any_other_ending_earns_nothing(status):
    (result,) = score([run(status, message="why")])
    assert (result.score, result.reason) == (0, "why")


def test_exercises_keep_the_order_they_first_appear_in():
    results = score([run("passed", exercise="b.Y"), run("passed", exercise="a.X"), run("failed", exercise="b.Y", check="c")])
    assert [r.exercise for r in results] == ["b.Y", "a.X"]
    assert [r.score for r in results] == [1, 1]
    assert results[0].topic == "b"


def test_the_reason_is_the_first_run_that_did_not_pass():
    (result,) = score([run("passed"), run("skipped", check="s", message="no CUDA"), run("timeout", check="t", message="slow")])
    assert result.reason == "slow"


def test_an_unknown_status_is_refused():
    with pytest.raises(ValueError):
        score([run("flaky")])


def test_runs_with_different_parameters_share_the_check_s_points():
    runs = [CheckOutcome("t.X", "paths", 1, status, "cpu", "", run) for status, run in
            (("passed", "a"), ("passed", "b"), ("failed", "c"), ("passed", "d"))]
    (result,) = score(runs)
    assert (result.score, result.max_score) == (0.75, 1)
    assert [r.name for r in result.checks] == ["paths[a]", "paths[b]", "paths[c]", "paths[d]"]


def secondary(status, needs=("output",), check="keeps_input", points=0.5):
    return CheckOutcome("layers.MyLinear", check, points, status, "cpu", "", needs=needs, unmet="not judged yet")


def test_a_secondary_check_counts_only_once_a_check_it_needs_passed():
    (result,) = score([run("failed", message="wrong output"), secondary("passed")])
    assert (result.score, result.max_score, result.reason) == (0, 1.5, "wrong output")
    assert [(c.status, c.message) for c in result.checks] == [("failed", "wrong output"), ("skipped", "not judged yet")]
    (result,) = score([run("passed"), secondary("passed")])
    assert (result.score, result.checks[1].status) == (1.5, "passed")


def test_one_passed_run_of_any_needed_check_is_enough():
    outcomes = [run("failed", device="cpu"), run("passed", device="cuda"), run("failed", check="gradients"),
                secondary("passed", needs=("gradients", "output"))]
    assert score(outcomes)[0].score == 0.5 + 0 + 0.5  # output: half of its runs; gradients: none; the secondary whole


def test_a_needed_check_that_did_not_run_holds_nothing_back():
    (result,) = score([secondary("passed", needs=("left_out",))])
    assert result.score == 0.5


def test_scoring_the_judged_checks_again_gives_the_same_points():
    (first,) = score([run("error"), secondary("passed"), secondary("failed", check="dtype")])
    (again,) = score(first.checks)
    assert (again.score, again.max_score, again.checks) == (first.score, first.max_score, first.checks) == (0, 2, again.checks)
    assert [c.status for c in first.checks] == ["error", "skipped", "failed"]  # a failed run keeps its message


def test_a_needed_check_that_failed_with_an_attempt_lets_the_secondary_count():
    tried = CheckOutcome("layers.MyLinear", "output", 1, "failed", "cpu", "a mean over rows", attempted=True)
    (result,) = score([tried, secondary("passed")])
    assert (result.score, result.checks[1].status) == (0.5, "passed")
    (result,) = score([run("error", message="RuntimeError"), secondary("passed")])
    assert (result.score, result.checks[1].status) == (0, "skipped")


def test_a_check_that_runs_another_exercise_s_failing_code_is_excused_not_charged_again():
    own = CheckOutcome("blocks.FixedHiddenMLP", "float64", 0.125, "failed", None, "stays float32")
    built = CheckOutcome("blocks.chimera", "float64", 0.125, "error", None, "dtype mismatch",
                         builds_on=("FixedHiddenMLP.float64",), excuse="not judged: FixedHiddenMLP fails first")
    fixed_hidden, chimera = score([own, built])
    assert (fixed_hidden.score, chimera.score, chimera.status, chimera.reason) == (0, 0.125, "passed", "")
    assert [(c.status, c.message) for c in chimera.checks] == [("excused", "not judged: FixedHiddenMLP fails first")]
    # The other exercise's check passed: the mistake is this exercise's own.
    assert score([replace(own, status="passed"), built])[1].score == 0
    # This exercise's own main behaviour is not there: nothing to excuse.
    unmet_built = replace(built, needs=("structure",))
    structure = CheckOutcome("blocks.chimera", "structure", 0.5, "error", None, "None has no children")
    assert score([own, structure, unmet_built])[1].score == 0
    assert score(score([own, built])[0].checks + score([own, built])[1].checks)[1].score == 0.125  # scored again
