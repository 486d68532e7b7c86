"""Record the reference's results: run the checks with the reference solution as the submission,
in a fresh process on the CPU, and keep what its probes returned (`grader.verdict.recording`).

    python -m grader.verdict.record_reference --reference solutions --out-dir DIR tests/topics/test_<topic>.py ...
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import pytest


from grader.verdict.plugin import grading_key
from grader.verdict.session import SETTINGS
from grader.verdict.recording import fingerprint, save


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m grader.verdict.recording", description=__doc__.splitlines()[0])
    parser.add_argument("--reference", required=True, help="directory of the reference solutions")
    parser.add_argument("--out-dir", required=True, help="where to write <topic>.pt")
    parser.add_argument("--no-fingerprint", action="store_true", help="for a release: record no fingerprint")
    parser.add_argument("check_files", nargs="+")
    args = parser.parse_args(argv)
    check_files = [Path(f).resolve() for f in args.check_files]
    reference = Path(args.reference).resolve()
    recorder = Recorder()
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    status = pytest.main([
        "-c", str(SETTINGS), "--rootdir", str(check_files[0].parent),
        "-p", "grader.verdict.plugin", "-p", "pytest_timeout", "-p", "no:cacheprovider", "--assert=plain",
        "-p", "no:logging", "-q", "--submission", str(reference), "--reference", str(reference),
        "--record-reference", *map(str, check_files)], plugins=[recorder])
    not_passed = [f"{o.exercise} {o.name}: {o.status} {o.message}" for o in recorder.outcomes
                  if o.status not in ("passed", "skipped")]
    if status not in (0, 1) or not_passed:
        print("the reference does not pass every check, so its results are not recorded:\n"
              + "\n".join(not_passed), file=sys.stderr)
        return 1
    for check_file in check_files:
        topic = check_file.stem.removeprefix("test_")
        values = {key: value for (of, key), value in recorder.values.items() if of == topic}
        calls = [(check, key) for of, key, check in recorder.calls if of == topic]
        save(Path(args.out_dir) / f"{topic}.pt", topic,
             None if args.no_fingerprint else fingerprint(topic, check_file, reference), values, calls)
    return 0


class Recorder:
    """Collects, at the end of a recording session, the reference's results, the probes each
    check asked for, and the outcomes."""

    def __init__(self):
        self.values: dict = {}
        self.calls: list = []
        self.outcomes: list = []

    def pytest_sessionfinish(self, session):
        grading = session.config.stash[grading_key]
        self.outcomes = list(grading.outcomes)
        self.values = dict(grading.reference.recorded_now)
        self.calls = list(grading.student.asked)


if __name__ == "__main__":
    sys.exit(main())
