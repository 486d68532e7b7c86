"""contrib/gradescope/run_autograder, run as Gradescope would, on a dry-run layout."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from conftest import REPO, checks_points, topic_points

SCHEMA = json.loads((Path(__file__).parent / "schemas" / "gradescope_results.json").read_text())


@pytest.mark.parametrize("uploaded", ["files", "exercises folder", "notebooks folder"])
def test_run_autograder_writes_results_json(tmp_path, uploaded):
    submission = tmp_path / "submission"
    folder = {"exercises folder": submission / "exercises", "notebooks folder": submission / "notebooks"}.get(
        uploaded, submission)
    folder.mkdir(parents=True)
    if uploaded == "notebooks folder":  # layers done in its notebook
        shutil.copy(REPO / "tests" / "golden" / "notebook-correct" / "layers.ipynb", folder)
    else:
        shutil.copy(REPO / "solutions" / "layers.py", folder)
    data = run_autograder(tmp_path, submission)
    scores = {}
    for test in data["tests"]:  # an exercise's public checks, and its hidden checks if it has any
        exercise = test["name"].removesuffix(" (hidden checks)")
        scores[exercise] = scores.get(exercise, 0) + test["score"]
    assert scores["layers.MyLinear"] == checks_points("layers")["layers.MyLinear"] and scores["blocks.MLP"] == 0
    assert data["score"] == topic_points("layers")


def run_autograder(tmp_path, submission: Path) -> dict:
    results = tmp_path / "results" / "results.json"
    env = dict(os.environ, TORCHLINGS_SOURCE=str(REPO), TORCHLINGS_SUBMISSION=str(submission),
               TORCHLINGS_RESULTS=str(results), TORCHLINGS_PYTHON=sys.executable)
    process = subprocess.run([str(REPO / "contrib" / "gradescope" / "run_autograder")], env=env,
                             capture_output=True, text=True, timeout=600)
    assert process.returncode == 0, process.stderr
    data = json.loads(results.read_text())
    jsonschema.validate(data, SCHEMA)
    return data


@pytest.mark.parametrize("target", ["absolute", "relative"])
def test_a_symlinked_exercises_folder_pointing_at_the_solutions_earns_nothing(tmp_path, target):
    """With no .py at its top, a submission's exercises/ is graded: a link named so grades nothing."""
    submission = tmp_path / "submission"
    submission.mkdir()
    (submission / "exercises").symlink_to(
        REPO / "solutions" if target == "absolute" else os.path.relpath(REPO / "solutions", submission))
    data = run_autograder(tmp_path, submission)
    assert data["score"] == 0, data["output"]
    assert "symbolic link" in json.dumps(data)


@pytest.mark.skipif(os.geteuid() != 0, reason="run_autograder changes permissions only when run as root, as on Gradescope")
def test_the_answers_stay_unreadable_to_the_workers_uid(tmp_path):
    """Only what a worker needs (the grader's code, Python's packages) is readable by uid 65534:
    the solutions, the recordings and the checks are not."""
    from grader.workers.sandbox import readable_by_others

    submission = tmp_path / "submission"
    submission.mkdir()
    shutil.copy(REPO / "solutions" / "layers.py", submission)
    data = run_autograder(tmp_path, submission)
    assert data["score"] == topic_points("layers")
    secret = [REPO / "solutions", REPO / "solutions" / "layers.py", REPO / "tests" / "topics" / "test_layers.py",
              REPO / ".cache" / "reference", REPO / "tests" / "recorded"]
    assert not [str(path) for path in secret if path.exists() and readable_by_others(path)]
    assert readable_by_others(REPO / "grader" / "workers" / "serve.py")


def test_partial_confinement_is_said_in_the_results():
    from grader.reports import student as reports
    from grader.verdict.scoring import CheckOutcome, score
    from grader.workers import sandbox

    partial = sandbox.Protection("Linux", seccomp=True, uid=0, note="no landlock here")
    outcomes = score([CheckOutcome("layers.MyLinear", "output", 2, "passed")])
    output = reports.to_gradescope(outcomes, 1.0, confinement=partial)["output"]
    assert "not fully confined" in output and "no landlock" in output
    full = sandbox.Protection("Linux", landlock_abi=4, fs=True, seccomp=True)
    assert "confined" not in reports.to_gradescope(outcomes, 1.0, confinement=full)["output"]
