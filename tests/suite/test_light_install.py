"""A light install: TORCH_INDEX=cpu makes `make` ask pip for PyTorch's CPU build, and PIP_INDEX_URL
(pip's own variable) points it at a mirror. Offline: make prints its command (-n), and pip is run
with that command's options against two local indexes, a "mirror" holding a torch build and a
"CPU index" holding the same version's +cpu build."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import REPO


def install_command(makefile: Path, *variables: str) -> list[str]:
    """The pip command `make` would run to fill .venv."""
    process = subprocess.run(["make", "-f", str(makefile), "-n", "-B", ".venv/.installed", *variables], cwd=REPO,
                             capture_output=True, text=True, timeout=60)
    assert process.returncode == 0, process.stderr
    return next(shlex.split(line) for line in process.stdout.splitlines() if " pip install " in line)


@pytest.mark.parametrize("makefile", [REPO / "Makefile", REPO / "contrib" / "release" / "Makefile"],
                         ids=["instructor", "student"])
def test_torch_index_cpu_reaches_pip(makefile):
    command = install_command(makefile, "TORCH_INDEX=cpu")
    assert command[command.index("--extra-index-url") + 1] == "https://download.pytorch.org/whl/cpu"
    assert "--extra-index-url" not in install_command(makefile)
    other = install_command(makefile, "TORCH_INDEX=https://example.invalid/torch")
    assert other[other.index("--extra-index-url") + 1] == "https://example.invalid/torch"


def simple_index(root: Path, version: str) -> str:
    """A PEP 503 index at `root` holding one (empty) torch wheel of `version`; its file: URL."""
    wheel = root / f"torch-{version}-py3-none-any.whl"
    root.mkdir(parents=True)
    with zipfile.ZipFile(wheel, "w") as archive:
        info = f"torch-{version}.dist-info"
        archive.writestr(f"{info}/METADATA", f"Metadata-Version: 2.1\nName: torch\nVersion: {version}\n")
        archive.writestr(f"{info}/WHEEL", "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
        archive.writestr(f"{info}/RECORD", "")
    (root / "torch").mkdir()
    (root / "torch" / "index.html").write_text(f'<a href="../{wheel.name}">{wheel.name}</a>\n')
    return root.as_uri() + "/"


def test_with_torch_index_cpu_pip_takes_the_cpu_build_and_the_rest_from_the_mirror(tmp_path):
    mirror = simple_index(tmp_path / "mirror", "2.14.1")
    cpu = simple_index(tmp_path / "cpu", "2.14.1+cpu")
    requirement = tmp_path / "requirements.txt"
    requirement.write_text("torch==2.14.1\n")
    report = tmp_path / "report.json"
    for variables, wanted in (([f"TORCH_INDEX={cpu}"], "2.14.1+cpu"), ([], "2.14.1")):
        command = install_command(REPO / "Makefile", *variables)
        command = [sys.executable if part == ".venv/bin/python" else part for part in command]
        command[command.index("requirements.txt")] = str(requirement)
        process = subprocess.run([*command, "--dry-run", "--no-deps", "--ignore-installed", "--report", str(report)],
                                 env={**os.environ, "PIP_INDEX_URL": mirror}, capture_output=True, text=True, timeout=300)
        assert process.returncode == 0, process.stderr
        assert [item["metadata"]["version"] for item in json.loads(report.read_text())["install"]] == [wanted]


def test_the_classroom_workflow_keeps_its_environment_between_pushes():
    """A cache step keyed by requirements.txt before the grading step, which installs the CPU build."""
    workflow = (REPO / "contrib" / "classroom" / "classroom.yml").read_text()
    cache, grade = workflow.find("uses: actions/cache@"), workflow.find("make grade")
    assert 0 < cache < grade
    assert "path: .venv" in workflow[cache:grade] and "hashFiles('requirements.txt')" in workflow[cache:grade]
    assert "TORCH_INDEX=cpu" in workflow[grade:].splitlines()[0]
