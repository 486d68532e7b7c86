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


def topic_options() -> list[str]:
    """`--topic` options for the topics `make test TOPIC=...` narrows the suite to (it sets
    TORCHLINGS_TEST_TOPICS); none, so every topic, otherwise."""
    return [option for topic in os.environ.get("TORCHLINGS_TEST_TOPICS", "").split() for option in ("--topic", topic)]


def checks_points(topic: str) -> dict[str, float]:
    """Each exercise of `topic` ("<topic>.<Symbol>") and its points, summed from its checks' markers
    (hidden checks included): what a test expects of a grade, never a number copied by hand."""
    from grader.authoring.guide import exercise_points  # the suite's own helper, used by a few tests only

    source = (REPO / "tests" / "topics" / f"test_{topic}.py").read_text(encoding="utf-8")
    return {f"{topic}.{symbol}": points.shown + points.hidden for symbol, points in exercise_points(source).items()}


def topic_points(topic: str) -> float:
    return round(sum(checks_points(topic).values()), 6)


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO
