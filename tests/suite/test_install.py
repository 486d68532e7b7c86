"""`pip install -e .` into an environment that already has torch gives a working `torchlings`
command; an environment without torch gets a sentence and exit status 3, never a traceback.

The environment is a fresh venv made from this interpreter; "already has torch" is a .pth file
naming this environment's site-packages (nothing is downloaded: --no-deps, --no-build-isolation).
"""

from __future__ import annotations

import json
import os
import subprocess
import sysconfig
import venv
from pathlib import Path

import pytest

from conftest import REPO
from grader.course import support


def site_packages(env: Path) -> Path:
    return Path(sysconfig.get_path("purelib", vars={"base": str(env), "platbase": str(env)}))


def install_editable(project: Path, env: Path) -> Path:
    """A fresh venv at `env` that borrows this one's packages (torch...), with `pip install -e
    project` in it; its python."""
    venv.EnvBuilder(with_pip=False).create(env)
    python = env / "bin" / "python"
    # setuptools (the build backend) and pip's own packages come from here too
    (site_packages(env) / "borrowed.pth").write_text(sysconfig.get_path("purelib") + "\n")
    install = subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                              "--disable-pip-version-check", "-e", str(project)], capture_output=True, text=True, timeout=600)
    assert install.returncode == 0, install.stderr
    return python


def torchlings_grade(env: Path, exercises: Path, report: Path) -> dict:
    """`torchlings grade --topic layers`, run from the exercise folder; its JSON report."""
    graded = subprocess.run([str(env / "bin" / "torchlings"), "grade", "--topic", "layers", "--json", str(report)],
                            cwd=exercises, capture_output=True, text=True, timeout=600, env={**os.environ, "LANG": "C.UTF-8"})
    assert graded.returncode == 0, graded.stderr
    return json.loads(report.read_text())


@pytest.mark.timeout(900)
def test_pip_install_e_gives_a_torchlings_command(tmp_path):
    env = tmp_path / "env"
    python = install_editable(REPO, env)
    data = torchlings_grade(env, REPO / "exercises", tmp_path / "grade.json")
    assert data["score"] == 0 and data["max_score"] > 0 and data["environment"]["torch"]

    # the same environment without torch (hidden from its imports): a sentence and exit status 3
    without_torch = "import sys; sys.modules['torch'] = None; import grader.commands.main as m; sys.exit(m.main(['grade']))"
    bare = subprocess.run([str(python), "-c", without_torch],
                          cwd=REPO, capture_output=True, text=True, timeout=600, env={**os.environ, "LANG": "C.UTF-8"})
    assert bare.returncode == 3 and "needs PyTorch" in bare.stderr and "Traceback" not in bare.stderr, bare.stderr


def test_an_unsupported_python_or_torch_is_told_so():
    assert support.problem((3, 11), "2.14.1+cpu") is None
    assert "Python 3.10 or newer" in str(support.problem((3, 9), "2.14.1"))
    assert "torch 2.6 or newer" in str(support.problem((3, 11), "2.5.1+cu121"))
    assert "needs PyTorch" in str(support.problem((3, 11), None))


def test_grading_refuses_an_unsupported_torch_with_a_sentence(monkeypatch, capsys):
    from grader.commands import main

    monkeypatch.setattr(support, "installed_torch", lambda: "2.1.0")
    assert main.main(["grade", "--topic", "layers"]) == 3
    assert "torch 2.6 or newer; this environment has torch 2.1.0" in capsys.readouterr().err
