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
    results = tmp_path / "results" / "results.json"
    env = dict(os.environ, TORCHLINGS_SOURCE=str(REPO), TORCHLINGS_SUBMISSION=str(submission),
               TORCHLINGS_RESULTS=str(results), TORCHLINGS_PYTHON=sys.executable)
    process = subprocess.run([str(REPO / "contrib" / "gradescope" / "run_autograder")], env=env,
                             capture_output=True, text=True, timeout=600)
    assert process.returncode == 0, process.stderr
    data = json.loads(results.read_text())
    jsonschema.validate(data, SCHEMA)
    scores = {}
    for test in data["tests"]:  # an exercise's public checks, and its hidden checks if it has any
        exercise = test["name"].removesuffix(" (hidden checks)")
        scores[exercise] = scores.get(exercise, 0) + test["score"]
    assert scores["layers.MyLinear"] == checks_points("layers")["layers.MyLinear"] and scores["blocks.MLP"] == 0
    assert data["score"] == topic_points("layers")
