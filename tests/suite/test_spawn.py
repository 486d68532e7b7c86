"""Where there is no fork server (Windows), workers start with `spawn`, each in a fresh
interpreter: TORCHLINGS_START_METHOD=spawn forces that path here, and a few golden cases (right,
wrong, crashing, hanging) must get the same verdicts through it."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from conftest import REPO
from test_golden import GOLDEN, assert_golden, build_submission

CASES = ["layers-correct-but-different", "layers-centered-wrong-reduction", "layers-in-place-input",
         "fault-segfault", "fault-sys-exit"]


@pytest.mark.timeout(1800)
def test_golden_cases_get_the_same_verdicts_with_spawned_workers(tmp_path):
    for name in CASES:
        (tmp_path / "class" / name).mkdir(parents=True)
        build_submission(GOLDEN / name, tmp_path / "class" / name)
    report = tmp_path / "class.json"
    env = {**os.environ, "TORCHLINGS_START_METHOD": "spawn"}
    process = subprocess.run([sys.executable, "-m", "grader", "--class", str(tmp_path / "class"), "--jobs", "1",
                              "--json", str(report)], cwd=REPO, env=env, capture_output=True, text=True, timeout=1700)
    assert process.returncode == 0, process.stderr[-3000:]
    data = json.loads(report.read_text())
    assert data["environment"]["workers_start"] == "spawn"
    submissions = {s["name"]: s for s in data["submissions"]}
    for name in CASES:
        topics = {path.stem for path in (tmp_path / "class" / name).glob("*.py")}
        submission = submissions[name]
        submission["exercises"] = [e for e in submission["exercises"] if e["id"].split(".")[0] in topics]
        assert_golden(name, submission)


def test_an_unknown_start_method_is_said_and_the_default_used():
    code = "from grader.workers import pool; pool.warm_up(); print(pool.START_METHOD)"
    env = {**os.environ, "TORCHLINGS_START_METHOD": "teleport"}
    process = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    assert process.returncode == 0 and process.stdout.strip() == "forkserver", process.stderr
    assert "TORCHLINGS_START_METHOD=teleport" in process.stderr


def test_the_grading_path_imports_without_posix_only_modules():
    """What Windows lacks (resource, fcntl, os.setsid, Landlock, seccomp) is needed by nothing at import."""
    code = ("import os, sys\n"
            "for name in ('resource', 'fcntl', 'landlockpy', 'pyseccomp'): sys.modules[name] = None\n"
            "del os.setsid\n"
            "import grader.commands.main, grader.commands.pytest_plugin, grader.verdict.session\n"
            "import grader.workers.serve, grader.workers.preload, grader.workers.sandbox\n")
    env = {**os.environ, "TORCHLINGS_START_METHOD": "spawn"}
    process = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    assert process.returncode == 0, process.stderr[-3000:]
