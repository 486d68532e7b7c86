"""Watch mode (`python -m grader watch`), driven as a student would: save a file, read the verdict, Ctrl-C.

The watcher runs with watchfiles' default backend (inotify on Linux), the one students get;
where inotify is unreliable (some network or container file systems), setting
WATCHFILES_FORCE_POLLING=1 makes watchfiles poll instead, with no change to the test: its
polling sees modification times to the second, so the test, like a person, never saves
twice within one second.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import REPO

from grader.course import available_topics
from grader.commands.watch import _topic_of

MARKER = "TORCHLINGS_WATCH_TEST"


def wait_for_report(path: Path, wanted, process: subprocess.Popen, timeout: float = 60) -> dict:
    """The first report at `path` that `wanted` accepts; fails if the watcher dies or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, f"the watcher exited with status {process.returncode}"
        try:
            report = json.loads(path.read_text())
        except (OSError, ValueError):
            report = None
        if report is not None and wanted(report):
            return report
        time.sleep(0.05)
    raise AssertionError(f"no such report within {timeout:g} s; the last one: {path.read_text()[:2000]}")


def save(path: Path, text: str) -> None:
    """Write `path` in a later second than its last change."""
    while int(time.time()) == int(path.stat().st_mtime):
        time.sleep(0.05)
    path.write_text(text)


def processes_with(marker: str) -> list[int]:
    """Every process whose environment carries `marker`: the watcher's fork server, workers and their children."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker.encode() in (entry / "environ").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def test_a_saved_topic_is_regraded_alone_and_ctrl_c_stops_every_process(tmp_path):
    submission, report = tmp_path / "submission", tmp_path / "grade.json"
    shutil.copytree(REPO / "exercises", submission)
    token = os.urandom(8).hex()
    env = {**os.environ, MARKER: token}
    process = subprocess.Popen(
        [sys.executable, "-m", "grader", "watch", "--submission", str(submission), "--json", str(report)],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        # as from a terminal, even where this suite runs with Ctrl-C ignored (as a background job)
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        first = wait_for_report(report, lambda r: True, process)
        assert first["topics"] == available_topics() and first["score"] == 0 < first["max_score"]

        layers = submission / "layers.py"
        save(layers, layers.read_text() + "\ndef half_typed(:\n")
        broken = wait_for_report(report, lambda r: r["topics"] == ["layers"], process)
        failures = [c["message"] for e in broken["exercises"] for c in e["checks"] if c["status"] != "skipped"]
        assert broken["score"] == 0 and failures and all("SyntaxError" in m for m in failures)

        save(layers, (REPO / "solutions" / "layers.py").read_text())
        fixed = wait_for_report(report, lambda r: r["topics"] == ["layers"] and r["score"] > 0, process)
        assert fixed["score"] == fixed["max_score"] == first_topic_points(first, "layers")

        assert len(processes_with(f"{MARKER}={token}")) > 1  # the watcher and what it started: found
        os.killpg(process.pid, signal.SIGINT)  # Ctrl-C in a terminal: the whole process group
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
    assert process.returncode == 0, err
    assert "Traceback" not in err, err
    assert out.count("saved: layers.py") == 2
    deadline = time.monotonic() + 10
    while processes_with(f"{MARKER}={token}") and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not processes_with(f"{MARKER}={token}"), "the watcher left processes behind"


def first_topic_points(report: dict, topic: str) -> float:
    return sum(e["max_score"] for e in report["exercises"] if e["id"].startswith(f"{topic}."))


def test_only_a_known_topic_file_right_in_the_submission_is_watched(tmp_path):
    topics = ["layers", "blocks"]
    assert _topic_of(str(tmp_path / "layers.py"), tmp_path, topics) == "layers"
    assert _topic_of(str(tmp_path / "layers.ipynb"), tmp_path, topics) == "layers"  # a notebook of the topic
    for other in ("notes.py", "notes.ipynb", "layers.ipynb~", ".ipynb_checkpoints/layers.ipynb", "layers.txt", "layers.py~", ".layers.py.swp", "sub/layers.py", "__pycache__/layers.py"):
        assert _topic_of(str(tmp_path / other), tmp_path, topics) is None, other


def test_an_unknown_topic_or_a_missing_folder_is_a_usage_error(tmp_path):
    for args in (["--topic", "nonsense"], ["--submission", str(tmp_path / "nowhere")]):
        process = subprocess.run([sys.executable, "-m", "grader", "watch", *args], cwd=REPO,
                                 capture_output=True, text=True, timeout=120)
        assert process.returncode == 2 and "grader:" in process.stderr, args
