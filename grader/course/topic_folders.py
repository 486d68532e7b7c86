"""Where a submission keeps its topic files.

A student hands in `<topic>.py` files (or `<topic>.ipynb` notebooks) in a folder of their
own, but not always at its top: a clone of the student's repository (GitHub Classroom's
`gh classroom clone student-repos` makes `<assignment>-<user>/` folders holding whole
repositories) keeps them under `exercises/` (or, done in Jupyter, under `notebooks/`), and an
upload may hold one more folder level. `locate` finds the folder that holds them, on the
trusted side, by file names (and, between `exercises/` and `notebooks/`, by whether their files
are still the course's own as handed out): nothing in the folder is run.
"""

from __future__ import annotations

from pathlib import Path

from grader.course import REPO

SUFFIXES = (".py", ".ipynb")  # a topic file, or a notebook of it
# Where a student repository keeps its topic files, after its root: the stubs, then the notebooks
# (the one whose files the student changed wins; where both or neither were, `exercises/`).
PREFERRED = ("exercises", "notebooks")
MAX_DEPTH = 3  # how deep below a student's folder the topic files are looked for
SKIPPED = {"__pycache__", "node_modules", "site-packages", ".venv", "venv"}


def topic_files(folder: Path, topics: list[str]) -> list[Path]:
    """The topic files (and notebooks) directly in `folder`: regular files, not links."""
    found = []
    for topic in topics:
        for suffix in SUFFIXES:
            path = folder / f"{topic}{suffix}"
            if path.is_file() and not path.is_symlink():
                found.append(path)
    return found


def untouched(folder: Path, topics: list[str]) -> bool:
    """Whether every topic file in `folder` (`exercises/` or `notebooks/` of a student repository)
    is byte for byte the course's own, as handed out (a stub, a generated notebook)."""
    course = REPO / folder.name
    for path in topic_files(folder, topics):
        try:
            if path.stat().st_size != (course / path.name).stat().st_size or \
                    path.read_bytes() != (course / path.name).read_bytes():
                return False
        except OSError:
            return False
    return True


def locate(folder: Path, topics: list[str]) -> Path:
    """The folder under `folder` (itself included) that holds the submission's topic files.

    `folder` itself when it holds any; else `exercises/` or `notebooks/` (the one whose files are
    not all the course's own as handed out, `exercises/` where both or neither); else the shallowest folder holding
    any, at most MAX_DEPTH levels down (of those at one depth, the one holding the most, then
    the first by name). Hidden folders, virtual environments and links are never entered, so
    the answer is always inside `folder`. `folder` when none holds any (the grade then says
    "not submitted" for each topic).
    """
    if topic_files(folder, topics):
        return folder
    preferred = [folder / name for name in PREFERRED if (folder / name).is_dir() and not (folder / name).is_symlink()
                 and topic_files(folder / name, topics)]
    if preferred:
        return next((candidate for candidate in preferred if not untouched(candidate, topics)), preferred[0])
    best, best_count = folder, 0
    level = [folder]
    for _depth in range(MAX_DEPTH):
        below = []
        for parent in level:
            try:
                children = sorted(parent.iterdir())
            except OSError:
                continue
            below += [child for child in children if child.is_dir() and not child.is_symlink()
                      and not child.name.startswith(".") and child.name not in SKIPPED]
        for candidate in below:
            count = len(topic_files(candidate, topics))
            if count > best_count:
                best, best_count = candidate, count
        if best_count:
            return best
        level = below
    return folder
