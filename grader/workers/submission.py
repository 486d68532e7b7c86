"""A submission as it is graded: a fresh folder holding copies of its regular source files, and
nothing else.

A student's folder is hostile input: a symbolic link in it may point at the reference solutions
(or at `/proc/self/mem`), a `__pycache__/<topic>.pyc` beside a stub may hold another program
than the source shows, a FIFO may block whoever opens it, a file name may not be UTF-8. So
the grader never grades a folder as it stands. `walk` lists what may be graded (regular files
only, found without following any link), `copy` puts those files into a fresh folder, and
`digest` hashes exactly those files (the `--out` key of a class run): what is hashed is what
is graded. Whatever is left out is listed with why, for the report.

Workers import the copy's topic files from source only (`grader.workers.serve`).
"""

from __future__ import annotations

import os
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from grader.course.i18n import N_

# Compiled code: never graded, only source is (a .pyc may say anything its source does not).
COMPILED_SUFFIXES = (".pyc", ".pyo", ".so", ".pyd", ".dylib")
SOURCE_SUFFIXES = (".py", ".ipynb")  # copied first
SKIPPED_DIRS = ("__pycache__", ".git", ".torchlings", ".ipynb_checkpoints")
MAX_FILES = 2_000  # files copied from one submission
MAX_BYTES = 64 << 20  # bytes copied from one submission, in all
MAX_DEPTH = 8  # folders below the submission's top that are looked into

# Why an entry was left out: msgids, shown in the student's language.
SYMLINK = N_("a symbolic link: submit the file itself")
NOT_REGULAR = N_("not a regular file")
COMPILED = N_("compiled code: only source files are graded")
TOO_MANY = N_("past the limits of a submission (files, bytes or folder depth)")
UNREADABLE = N_("it could not be read")


@dataclass
class Walked:
    """The regular files of a submission (relative path -> absolute path), and what was left out
    (relative path -> one of the reasons above)."""

    files: dict[str, Path] = field(default_factory=dict)
    left_out: dict[str, str] = field(default_factory=dict)


def walk(root: Path) -> Walked:
    """The files of `root` that are graded, found without following any symbolic link (`root`
    itself included): regular files that are not compiled code, outside `SKIPPED_DIRS`."""
    found = Walked()
    try:
        top = os.lstat(root)
    except OSError:
        return found
    if stat.S_ISLNK(top.st_mode):
        found.left_out["."] = SYMLINK
        return found
    if not stat.S_ISDIR(top.st_mode):
        found.left_out["."] = NOT_REGULAR
        return found
    _walk(Path(root), "", found, 0)
    return found


def _walk(folder: Path, prefix: str, found: Walked, depth: int) -> None:
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError:
        found.left_out[prefix or "."] = UNREADABLE
        return
    for entry in entries:
        relative = prefix + entry.name
        try:
            mode = entry.stat(follow_symlinks=False).st_mode
        except OSError:
            found.left_out[relative] = UNREADABLE
            continue
        if stat.S_ISLNK(mode):
            found.left_out[relative] = SYMLINK
        elif stat.S_ISDIR(mode):
            if entry.name in SKIPPED_DIRS:
                continue
            if depth >= MAX_DEPTH:
                found.left_out[relative] = TOO_MANY
                continue
            _walk(Path(entry.path), relative + "/", found, depth + 1)
        elif not stat.S_ISREG(mode):
            found.left_out[relative] = NOT_REGULAR
        elif entry.name.endswith(COMPILED_SUFFIXES):
            found.left_out[relative] = COMPILED
        elif len(found.files) >= MAX_FILES:
            found.left_out[relative] = TOO_MANY
        else:
            found.files[relative] = Path(entry.path)


def read_regular(path: Path, limit: int) -> bytes | None:
    """The bytes of `path` if it is a regular file (no link followed, no FIFO waited on) of at
    most `limit` bytes; None otherwise."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            return None
        chunks, left = [], limit + 1
        while left > 0 and (chunk := os.read(fd, min(left, 1 << 20))):
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
        return data if len(data) <= limit else None
    except OSError:
        return None
    finally:
        os.close(fd)


@dataclass
class Copied:
    """A submission's copy: the fresh folder to grade, and what was left out of it."""

    directory: Path
    left_out: dict[str, str]


def copy(source: Path, readable_by_others: bool = False) -> Copied:
    """Copy the files `walk` finds into a fresh folder (removed by whoever asked for it).

    `readable_by_others`: the copy is readable by every uid (workers that drop to another
    uid read it); otherwise by this one alone."""
    directory = Path(tempfile.mkdtemp(prefix="torchlings-submission-"))
    found = walk(source)
    left_out = dict(found.left_out)
    budget = MAX_BYTES
    for relative, path in _in_order(found):
        data = read_regular(path, budget)
        if data is None:
            left_out[relative] = TOO_MANY if _size(path) > budget else UNREADABLE
            continue
        budget -= len(data)
        target = directory / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    if readable_by_others:
        for folder, _, files in os.walk(directory):
            os.chmod(folder, 0o755)
            for name in files:
                os.chmod(os.path.join(folder, name), 0o644)
    return Copied(directory, left_out)


def _in_order(found: Walked) -> list[tuple[str, Path]]:
    """The files to copy, source files first: data files never take the byte budget from them."""
    return sorted(found.files.items(), key=lambda item: (not item[0].endswith(SOURCE_SUFFIXES), item[0]))


def _size(path: Path) -> int:
    try:
        return os.lstat(path).st_size
    except OSError:
        return 0


def digest(hasher, source: Path) -> None:
    """Feed `hasher` what `copy` would take from `source`: each file's relative path (as bytes,
    whatever its encoding), size and bytes, and each left-out entry with why."""
    found = walk(source)
    budget = MAX_BYTES
    for relative, path in _in_order(found):
        data = read_regular(path, budget)
        name = os.fsencode(relative)
        if data is None:
            hasher.update(b"left out\0" + name + b"\0")
            continue
        budget -= len(data)
        hasher.update(name + b"\0" + str(len(data)).encode() + b"\0")
        hasher.update(data)
    for relative, why in sorted(found.left_out.items()):
        hasher.update(b"left out\0" + os.fsencode(relative) + b"\0" + why.encode() + b"\0")
