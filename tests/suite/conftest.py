"""Shared helpers for the suite's own tests."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

pytest_plugins = ["pytester"]


def run_grader(*args: str, timeout: float = 600, settle: float = 0) -> tuple[subprocess.CompletedProcess, dict | None]:
    """Run `python -m grader ARGS --json <tmp>` as a student would; return the process and the JSON report.

    The report is read `settle` seconds after the grader exits.
    """
    report = Path(os.environ.get("TMPDIR", "/tmp")) / f"torchlings-report-{os.getpid()}-{os.urandom(4).hex()}.json"
    try:
        process = subprocess.run(
            [sys.executable, "-m", "grader", *args, "--json", str(report)],
            cwd=REPO, capture_output=True, text=True, timeout=timeout,
        )
        time.sleep(settle)
        data = json.loads(report.read_text()) if report.exists() else None
    finally:
        report.unlink(missing_ok=True)
    return process, data


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO
