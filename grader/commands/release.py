"""`python -m grader release OUT`: what a course hands out, built from the instructor's repository.

    OUT/student/      a repository for students: exercises/, notebooks/, grader/, the public checks, the
                      reference's results for them recorded on the CPU (tests/recorded/), a
                      Makefile, the pinned requirements, .ci/run, a README and a GitHub
                      Classroom workflow. No solutions, no hidden checks, no golden cases.
    OUT/autograder/   torchlings-autograder.zip for Gradescope (everything, the recorded
                      results of every check included) and the GitHub Classroom workflow.

Hidden checks (`@pytest.mark.exercise(..., hidden=True)`) are cut out of the check files by
their syntax tree, with the probes and helpers only they used. In a student repository,
`python -m grader release check` (its `make test`) checks the release itself.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from babel.messages.extract import extract as extract_messages
from babel.messages.pofile import read_po, write_po

from grader.course import REPO, available_topics
from grader.checks.hidden import hidden_checks, strip_hidden
from grader.course.guides import guide_texts, load_guide
from grader.course.i18n import EXTRACT_KEYWORDS, LOCALE_DIR
from grader.course.solutions import BEGIN, END, solution_blocks
from grader.verdict import recording

CHECKS = Path("tests") / "topics"
RECORDED = Path("tests") / "recorded"
AUTOGRADER_ONLY = RECORDED / "autograder_only.json"
CONTRIB = REPO / "contrib"
# What a student repository holds, besides the stripped checks and the recordings.
STUDENT_FILES = ("exercises", "notebooks", "grader", "requirements.txt", "docs/EXERCISES.md")
# What no release holds: local state, and (for students) what only instructors need.
NEVER = {".git", ".venv", ".cache", "__pycache__", ".pytest_cache", "OUT"}
IMPORT = re.compile(r"(import|from)\s")


# What a student release leaves out of the message catalogues

def _msgids(source: str) -> set[str]:
    """The msgids a Python source marks (`_`, `_n`, `N_`), as the catalogues key them."""
    found = set()
    for _line, message, _comments, _context in extract_messages("python", io.BytesIO(source.encode()),
                                                                 keywords=EXTRACT_KEYWORDS):
        found.add(message[0] if isinstance(message, (list, tuple)) else message)
    return found


def hidden_only_messages(repo: Path = REPO) -> set[str]:
    """The msgids that only hidden checks use: they describe the hidden checks' inputs
    ("FourierHalf()(X) on a (5, 11) X"), so a student release's catalogues leave them out."""
    checks = sorted((repo / CHECKS).glob("test_*.py"))
    in_checks = set().union(*(_msgids(path.read_text()) for path in checks)) if checks else set()
    public = set().union(*(_msgids(strip_hidden(path.read_text())) for path in checks)) if checks else set()
    elsewhere = set().union(*(_msgids(path.read_text()) for path in (repo / "grader").rglob("*.py")))
    for path in (repo / CHECKS).glob("guide_*.toml"):
        for entry in load_guide(path.stem.removeprefix("guide_"), path.parent).values():
            elsewhere |= set(guide_texts(entry)) if isinstance(entry, dict) else set()
    for path in (repo / "solutions").glob("*.py"):
        for block in solution_blocks(path.read_text(), path.name):
            elsewhere |= {block.task, *block.constraints}
    return in_checks - public - elsewhere


def prune_catalogues(locale_dir: Path, drop: set[str]) -> int:
    """Remove the entries of `drop` from every catalogue under `locale_dir`; return how many went."""
    removed = 0
    for path in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
        with path.open("rb") as stream:
            catalog = read_po(stream)
        gone = [message.id for message in catalog
                if message.id and (message.id[0] if isinstance(message.id, (list, tuple)) else message.id) in drop]
        for msgid in gone:
            catalog.delete(msgid)
        removed += len(gone)
        buffer = io.BytesIO()
        write_po(buffer, catalog, width=100, ignore_obsolete=True, sort_by_file=True, include_lineno=False)
        path.write_bytes(buffer.getvalue())
    return removed


# Building from what git tracks

def tracked_files(repo: Path = REPO) -> list[Path]:
    """The files git tracks in `repo` (as they are in the working tree), relative to it: what a
    release is built from, never the local state beside them (`.torchlings/`, `submissions/`,
    `results/`). RuntimeError when `repo` is not a git repository."""
    try:
        process = subprocess.run(["git", "ls-files", "-z", "--cached"], cwd=repo, capture_output=True, check=True)
    except (OSError, subprocess.CalledProcessError) as error:
        raise RuntimeError(f"a release is built from the files git tracks, and git ls-files failed in {repo} "
                           f"({getattr(error, 'stderr', b'').decode().strip() or error}): is it a git repository?")
    names = [name for name in process.stdout.decode().split("\0") if name]
    return [Path(name) for name in names if (repo / name).is_file() and not (repo / name).is_symlink()]


def untracked_files(repo: Path = REPO, folders: tuple[str, ...] = ("grader", "tests", "solutions", "exercises")
                    ) -> list[str]:
    """Files in the course's own folders that git neither tracks nor ignores: left out of a release."""
    process = subprocess.run(["git", "ls-files", "-z", "--others", "--exclude-standard", "--", *folders],
                             cwd=repo, capture_output=True)
    return [name for name in process.stdout.decode().split("\0") if name] if process.returncode == 0 else []


def _copy_tracked(files: list[Path], folder: str, out: Path) -> None:
    """Copy the tracked files under `folder` (a folder or one file) into `out`, at the same paths."""
    for relative in files:
        if relative.as_posix() == folder or relative.as_posix().startswith(folder.rstrip("/") + "/"):
            if not (set(relative.parts) & NEVER) and relative.suffix != ".pyc":
                _copy(REPO / relative, out / relative)


# Building

def _copy(source: Path, target: Path) -> None:
    if source.is_dir():
        shutil.copytree(source, target, ignore=shutil.ignore_patterns(*NEVER, "*.pyc"), symlinks=False)
    elif source.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)


def build_student(out: Path) -> dict:
    """Write the student repository into `out`; return what it holds that the checks do not show."""
    out.mkdir(parents=True)
    files = tracked_files()
    for name in STUDENT_FILES:
        _copy_tracked(files, name, out)
    dropped = prune_catalogues(out / LOCALE_DIR.relative_to(REPO), hidden_only_messages())
    autograder_only: dict[str, float] = {}
    (out / CHECKS).mkdir(parents=True)
    for path in sorted((REPO / CHECKS).iterdir()):
        if path.name.startswith("test_") and path.suffix == ".py":
            source = path.read_text()
            topic = path.stem.removeprefix("test_")
            for symbol, points in hidden_checks(source).values():
                key = f"{topic}.{symbol}"
                autograder_only[key] = round(autograder_only.get(key, 0) + points, 6)
            (out / CHECKS / path.name).write_text(strip_hidden(source))
        elif path.is_file():
            _copy(path, out / CHECKS / path.name)
    failure = recording.record(sorted((out / CHECKS).glob("test_*.py")), REPO / "solutions", out / RECORDED,
                               fingerprints=False)
    if failure:
        raise RuntimeError(failure)
    (out / AUTOGRADER_ONLY).write_text(json.dumps(autograder_only, indent=2, sort_keys=True) + "\n")
    templates = CONTRIB / "release"
    shutil.copy(templates / "Makefile", out / "Makefile")
    shutil.copy(templates / "README.md", out / "README.md")
    shutil.copy(templates / "README.zh-CN.md", out / "README.zh-CN.md")
    shutil.copy(templates / "pyproject.toml", out / "pyproject.toml")
    shutil.copy(templates / "gitignore", out / ".gitignore")
    _copy(REPO / ".ci" / "run", out / ".ci" / "run")
    _copy(CONTRIB / "classroom" / "classroom.yml", out / ".github" / "workflows" / "classroom.yml")
    _copy(CONTRIB / "classroom" / "classroom.py", out / ".github" / "classroom.py")
    return {"autograder_only": autograder_only, "dropped_messages": dropped}


def build_autograder(out: Path) -> Path:
    """Write the Gradescope zip (the repository with setup.sh and run_autograder at its root, and
    the recorded results of every check) and the GitHub Classroom workflow into `out`."""
    check_files = {t: REPO / CHECKS / f"test_{t}.py" for t in available_topics()}
    problems = [str(r) for r in recording.for_topics(check_files, REPO / "solutions").values()
                if isinstance(r, Exception)]
    if problems:
        raise RuntimeError("\n".join(problems))
    out.mkdir(parents=True)
    archive = out / "torchlings-autograder.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        for relative in sorted(tracked_files()):  # what git tracks: no local state, submissions or grades
            if not (set(relative.parts) & NEVER) and relative.suffix != ".pyc" and not _inside(REPO / relative, out):
                bundle.write(REPO / relative, relative.as_posix())
        for path in sorted(recording.CACHE.glob("*.pt")):
            if path.stem in check_files:
                bundle.write(path, path.relative_to(REPO).as_posix())
        for name in ("setup.sh", "run_autograder"):
            info = zipfile.ZipInfo(name)
            info.external_attr = 0o755 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            bundle.writestr(info, (CONTRIB / "gradescope" / name).read_bytes())
    _copy(CONTRIB / "classroom" / "classroom.yml", out / "github-classroom" / ".github" / "workflows" / "classroom.yml")
    _copy(CONTRIB / "classroom" / "classroom.py", out / "github-classroom" / ".github" / "classroom.py")
    return archive


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


# Checking

def published_text() -> str:
    """What the course publishes on purpose: the stubs, the public checks and the grader."""
    parts = [path.read_text() for path in (REPO / "exercises").glob("*.py")]
    parts += [strip_hidden(path.read_text()) for path in (REPO / CHECKS).glob("test_*.py")]
    parts += [path.read_text() for path in (REPO / "grader").rglob("*.py")]
    return "\n".join(parts)


def solution_lines(solutions: Path = REPO / "solutions", shortest: int = 8) -> set[str]:
    """The lines of the solution blocks (stripped, at least `shortest` long, not comments) that the
    published sources do not hold already (an idiom a probe uses too, `with torch.no_grad():`)."""
    published = published_text()
    found = set()
    for path in solutions.glob("*.py"):
        inside = False
        for line in path.read_text().splitlines():
            if BEGIN.match(line):
                inside = True
            elif END.match(line):
                inside = False
            elif inside and len(line.strip()) >= shortest and not line.strip().startswith("#") \
                    and line.strip() not in published:
                found.add(line.strip())
    return found


def solution_pairs(solutions: Path = REPO / "solutions") -> set[tuple[str, str]]:
    """Every two consecutive code lines of a solution block (stripped; comments and imports aside)."""
    pairs = set()
    for path in sorted(solutions.glob("*.py")):
        for block in solution_blocks(path.read_text(), path.name):
            code = [line.strip() for line in block.code if line.strip() and not line.strip().startswith("#")
                    and not IMPORT.match(line.strip())]  # imports are shared on purpose
            pairs |= set(zip(code, code[1:]))
    return pairs


def pasted_solutions(source: str, pairs: set[tuple[str, str]] | None = None) -> list[str]:
    """Solution code pasted into a file of the release (a check file, a probe of the grader, a
    notebook): two consecutive code lines of a solution block (imports aside) that follow each
    other there too. (One line alone may be an idiom a probe or a check shares with the solution
    on purpose, `optimizer.step()`; two in a row are a paste.)"""
    pairs = solution_pairs() if pairs is None else pairs
    lines = [line.strip() for line in source.splitlines() if line.strip() and not line.strip().startswith("#")]
    return [f"{first} / {second}" for first, second in zip(lines, lines[1:]) if (first, second) in pairs]


def leaks(student: Path) -> list[str]:
    """Every solution line, hidden check name and hidden check's message that a file of `student`
    holds, and solution code pasted into any of its files, the grader's own included."""
    secrets = {line: "solution line" for line in solution_lines()}
    for path in (REPO / CHECKS).glob("test_*.py"):
        secrets.update({name: "hidden check" for name in hidden_checks(path.read_text())})
    hidden_messages = hidden_only_messages()
    pairs = solution_pairs()
    found = []
    for path in sorted(p for p in student.rglob("*") if p.is_file()):
        content = readable_bytes(path)
        where = path.relative_to(student)
        found += [f"{where}: {what} {secret!r}" for secret, what in secrets.items() if secret.encode() in content]
        if path.suffix == ".po":
            with path.open("rb") as stream:
                ids = {m.id[0] if isinstance(m.id, (list, tuple)) else m.id for m in read_po(stream) if m.id}
            found += [f"{where}: a hidden check's message {msgid!r}" for msgid in sorted(ids & hidden_messages)]
        found += [f"{where}: solution code {pasted!r}"
                  for pasted in pasted_solutions(content.decode(errors="replace"), pairs)]
    return found


def readable_bytes(path: Path) -> bytes:
    """The file's bytes, and for a notebook also its cells' text as a reader sees it: JSON escapes
    the quotes and backslashes of a line of code, which a search of the raw file would miss."""
    content = path.read_bytes()
    if path.suffix == ".ipynb":
        try:
            cells = json.loads(content).get("cells", [])
            content += b"\n" + "\n".join("".join(cell.get("source", "")) for cell in cells).encode()
        except (ValueError, AttributeError, TypeError):
            pass  # not a notebook after all: its bytes were searched
    return content


def check(root: Path = REPO) -> int:
    """A student repository's self-test: recordings for every check file, no hidden check, and a
    grade of an empty submission that the grader completes."""
    problems = []
    for path in sorted((root / CHECKS).glob("test_*.py")):
        topic = path.stem.removeprefix("test_")
        if hidden_checks(path.read_text()):
            problems.append(f"{path.name} holds hidden checks")
        try:
            recording.Recording.load(root / RECORDED / f"{topic}.pt")
        except recording.NotRecorded as error:
            problems.append(str(error))
    with tempfile.TemporaryDirectory() as empty:
        process = subprocess.run([sys.executable, "-m", "grader", "--submission", empty], cwd=root,
                                 capture_output=True, text=True)
    if process.returncode != 0:
        problems.append(f"grading an empty submission failed (exit status {process.returncode}):\n"
                        f"{process.stderr.strip()[-2000:]}")
    for problem in problems:
        print(f"release check: {problem}", file=sys.stderr)
    print("release check: " + ("FAILED" if problems else "the grader, the checks and the recordings are complete"))
    return 1 if problems else 0


def configure(parser: argparse.ArgumentParser) -> None:
    """`python -m grader release OUT`: the student repository and the autograder bundle."""
    parser.add_argument("out", help="the folder to write student/ and autograder/ into (must not exist yet, "
                                    "or be empty); `check` checks this student repository instead")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.out == "check":
        return check()
    out = Path(args.out).resolve()
    if out.exists() and any(out.iterdir()):
        print(f"grader release: {out} is not empty", file=sys.stderr)
        return 2
    if not (REPO / "solutions").is_dir():
        print("grader release: there is no solutions/ here (a student repository cannot be released)",
              file=sys.stderr)
        return 2
    started = time.monotonic()
    try:
        student = build_student(out / "student")
        archive = build_autograder(out / "autograder")
    except RuntimeError as error:
        print(f"grader release: {error}", file=sys.stderr)
        return 3
    found = leaks(out / "student")
    if found:
        print("grader release: the student release leaks:\n  " + "\n  ".join(found), file=sys.stderr)
        return 3
    hidden = sum(student["autograder_only"].values())
    print(f"wrote {out / 'student'} (public checks; {hidden:g} points graded only by the autograder; "
          f"{student['dropped_messages']} catalogue entries of hidden checks left out)")
    skipped = untracked_files()
    if skipped:
        print(f"grader release: left out {len(skipped)} file(s) git does not track (commit them to release them): "
              + ", ".join(skipped[:5]) + (", ..." if len(skipped) > 5 else ""), file=sys.stderr)
    print(f"wrote {archive} ({os.path.getsize(archive) >> 10} KiB) in {time.monotonic() - started:.1f} s")
    return 0


