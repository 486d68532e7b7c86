"""A submission is graded from a fresh copy of its regular source files: no link is followed, no
bytecode runs, and nothing in one student's folder (its names, its special files, its messages)
stops the grading of anyone else."""

import hashlib
import importlib.util
import json
import os
import py_compile
import shutil
import subprocess
import sys
from pathlib import Path


from conftest import REPO, run_grader
from grader.workers import submission

# A name that is not UTF-8 (Latin-1 "café"), as a stray file from another encoding has it.
NOT_UTF8 = os.fsdecode(b"caf\xe9.txt")


def hostile_folder(root: Path) -> Path:
    """A folder with every kind of entry a submission may hold that is not a regular source file."""
    root.mkdir()
    (root / "layers.py").write_text("x = 1\n")
    (root / "notes.md").write_text("mine\n")
    (root / "pkg").mkdir()
    (root / "pkg" / "helper.py").write_text("y = 2\n")
    (root / "linked.py").symlink_to(REPO / "solutions" / "layers.py")
    (root / "solutions").symlink_to(REPO / "solutions")
    (root / "mem").symlink_to("/proc/self/mem")
    os.mkfifo(root / "fifo")
    (root / NOT_UTF8).write_text("latin-1\n")
    (root / "__pycache__").mkdir()
    (root / "__pycache__" / "layers.cpython-311.pyc").write_bytes(b"\0" * 16)
    (root / "beside.pyc").write_bytes(b"\0" * 16)
    return root


def test_the_copy_holds_the_regular_source_files_and_says_what_it_left_out(tmp_path):
    source = hostile_folder(tmp_path / "student")
    copied = submission.copy(source)
    try:
        files = sorted(str(p.relative_to(copied.directory)) for p in copied.directory.rglob("*") if p.is_file())
        assert files == sorted(["layers.py", "notes.md", "pkg/helper.py", NOT_UTF8])
        assert not any(p.is_symlink() for p in copied.directory.rglob("*"))
        assert copied.left_out == {"linked.py": submission.SYMLINK, "solutions": submission.SYMLINK,
                                   "mem": submission.SYMLINK, "fifo": submission.NOT_REGULAR,
                                   "beside.pyc": submission.COMPILED}
    finally:
        shutil.rmtree(copied.directory)


def test_a_folder_that_is_a_link_is_copied_as_nothing(tmp_path):
    (tmp_path / "exercises").symlink_to(REPO / "solutions")
    copied = submission.copy(tmp_path / "exercises")
    try:
        assert list(copied.directory.iterdir()) == [] and copied.left_out == {".": submission.SYMLINK}
    finally:
        shutil.rmtree(copied.directory)


def test_the_key_hashes_what_is_graded_and_never_stops_on_a_hostile_entry(tmp_path):
    source = hostile_folder(tmp_path / "student")

    def key() -> str:
        digest = hashlib.sha256()
        submission.digest(digest, source)
        return digest.hexdigest()

    first = key()
    (source / "__pycache__" / "layers.cpython-311.pyc").write_bytes(b"\1" * 16)  # never run: no new key
    assert key() == first
    (source / "pkg" / "helper.py").write_text("y = 3\n")  # graded: a new key
    second = key()
    assert second != first
    (source / "linked.py").unlink()
    (source / "linked.py").symlink_to(REPO / "exercises" / "layers.py")
    assert key() == second  # a link is left out whatever it points at


def _unchecked_pyc_of(source: Path, as_file: Path) -> None:
    """Compile `source` into `as_file`'s __pycache__ entry with an unchecked hash (valid whatever `as_file` says)."""
    py_compile.compile(str(source), cfile=importlib.util.cache_from_source(str(as_file)), dfile=str(as_file),
                       doraise=True, invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)


def test_a_stub_with_the_solution_compiled_beside_it_earns_nothing(tmp_path):
    """What an instructor reads (the untouched stub) is what is graded, not a .pyc beside it."""
    folder = tmp_path / "student"
    folder.mkdir()
    shutil.copy(REPO / "exercises" / "layers.py", folder)
    _unchecked_pyc_of(REPO / "solutions" / "layers.py", folder / "layers.py")
    process, report = run_grader("--submission", str(folder), "--topic", "layers")
    assert process.returncode == 0, process.stderr[-3000:]
    assert report["score"] == 0


def test_a_class_run_grades_every_student_whatever_one_folder_holds(tmp_path):
    """Links (to the solutions, to /proc/self/mem), a FIFO, a name that is not UTF-8, a .pyc and a
    message with a lone surrogate and escapes cost their own student only: every report is written."""
    class_dir, out = tmp_path / "class", tmp_path / "results"
    class_dir.mkdir()
    for honest in ("aaa-honest", "zzz-honest"):
        (class_dir / honest).mkdir()
        shutil.copy(REPO / "solutions" / "layers.py", class_dir / honest)
    hostile = hostile_folder(class_dir / "hostile-entries")
    (hostile / "layers.py").unlink()
    (hostile / "layers.py").symlink_to(REPO / "solutions" / "layers.py")
    (class_dir / "linked-folder").symlink_to(REPO / "solutions")
    (class_dir / os.fsdecode(b"ren\xe9e")).mkdir()  # a student folder whose name is not UTF-8
    shutil.copy(REPO / "solutions" / "layers.py", class_dir / os.fsdecode(b"ren\xe9e"))
    (class_dir / "surrogate").mkdir()
    (class_dir / "surrogate" / "layers.py").write_text(
        (REPO / "solutions" / "layers.py").read_text()
        + "\n\ndef _forward(self, X):\n    raise ValueError('caf\\udce9 \\x1b\\x1b[2J[2J \\u202e')\n\n\nMyLinear.forward = _forward\n")
    process, report = run_grader("--class", str(class_dir), "--topic", "layers", "--out", str(out))
    assert process.returncode == 0, process.stderr[-3000:]
    scores = {s["name"]: s["score"] for s in report["submissions"]}
    full = report["submissions"][0]["max_score"]
    renee = os.fsdecode(b"ren\xe9e")
    assert scores["aaa-honest"] == scores["zzz-honest"] == scores[renee] == full, scores
    assert scores["hostile-entries"] == scores["linked-folder"] == 0, scores
    assert 0 < scores["surrogate"] < full
    assert all(s["complete"] for s in report["submissions"])
    for name in ("gradebook.csv", "summary.md", "summary.html"):
        assert (out / name).stat().st_size > 0
    linked = next(s for s in report["submissions"] if s["name"] == "hostile-entries")
    assert {"path": "layers.py", "reason": submission.SYMLINK} in linked["left_out"]


def test_a_lone_surrogate_in_a_message_stops_no_single_run(tmp_path):
    folder = tmp_path / "student"
    folder.mkdir()
    (folder / "layers.py").write_text(
        (REPO / "solutions" / "layers.py").read_text()
        + "\n\ndef _forward(self, X):\n    raise ValueError('caf\\udce9 \\x1b]0;title\\x07 \\x00')\n\n\nMyLinear.forward = _forward\n")
    process = subprocess.run([sys.executable, "-m", "grader", "--submission", str(folder), "--topic", "layers",
                              "--json", str(tmp_path / "grade.json"), "--all"],
                             cwd=REPO, capture_output=True, timeout=600)
    assert process.returncode == 0, process.stderr[-3000:]
    report = json.loads((tmp_path / "grade.json").read_text())
    assert 0 < report["score"] < report["max_score"]
    assert b"\x1b" not in process.stdout and b"\x00" not in process.stdout
    assert "caf\ufffd" in process.stdout.decode()


def test_data_files_never_take_the_byte_budget_from_the_topic_files(tmp_path, monkeypatch):
    monkeypatch.setattr(submission, "MAX_BYTES", 1000)
    source = tmp_path / "student"
    source.mkdir()
    (source / "a-checkpoint.pt").write_bytes(bytes(900))  # first by name
    (source / "layers.py").write_text("x = 1\n" * 50)  # 300 bytes
    copied = submission.copy(source)
    try:
        assert (copied.directory / "layers.py").is_file()
        assert copied.left_out == {"a-checkpoint.pt": submission.TOO_MANY}
    finally:
        shutil.rmtree(copied.directory)
