"""The course roster: who a submission's folder belongs to, as the gradebook names them.

`--roster CSV` maps each student's folder (or GitHub user) to the LMS's names: a CSV file with
a header row, its columns matched by name (case, spaces, `-` and `_` ignored):

- the folder: `folder`, or `github_username` / `github` (GitHub Classroom's roster export has
  `identifier, github_username, github_id, name`); a folder matches an entry when its name is
  the entry's, or ends with `-<entry>` (`gh classroom clone student-repos` names folders
  `<assignment>-<user>`; the longest such entry wins);
- `sis_login_id`, `login`, `identifier` or `email`: the SIS login (Canvas's `SIS Login ID`);
- `sis_user_id`, `student_id` or `id`: the SIS user id (Canvas's `SIS User ID`), optional;
- `name` or `student`: the student's name, optional; `section`: the section, optional.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

KEY_COLUMNS = ("folder", "githubusername", "github")
LOGIN_COLUMNS = ("sisloginid", "login", "identifier", "email")
ID_COLUMNS = ("sisuserid", "studentid", "id")
NAME_COLUMNS = ("name", "student")
SECTION_COLUMNS = ("section",)


class RosterError(ValueError):
    """The roster file cannot be read as a roster (the message says why)."""


@dataclass(frozen=True)
class Student:
    """One student as the gradebook names them."""

    key: str  # the folder or GitHub user the roster lists
    login: str  # SIS login
    sis_id: str = ""
    name: str = ""
    section: str = ""


def _normal(column: str) -> str:
    return "".join(ch for ch in column.lower() if ch not in " -_")


def _pick(row: dict, columns: tuple[str, ...]) -> str:
    for column in columns:
        value = (row.get(column) or "").strip()
        if value:
            return value
    return ""


def read(path: Path) -> dict[str, Student]:
    """The roster's students by key (lower case); RosterError when it lacks a folder column."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise RosterError(f"cannot read the roster {path}: {error}") from None
    reader = csv.DictReader(text.splitlines())
    fields = {_normal(name) for name in reader.fieldnames or ()}
    if not fields & set(KEY_COLUMNS):
        raise RosterError(f"the roster {path} has no folder column: name one of its columns "
                          f"'folder' or 'github_username' (it has: {', '.join(reader.fieldnames or ())})")
    students: dict[str, Student] = {}
    for row in reader:
        row = {_normal(k): v for k, v in row.items() if k is not None}
        key = _pick(row, KEY_COLUMNS)
        if not key:
            continue
        if key.lower() in students:
            raise RosterError(f"the roster {path} lists {key} twice")
        students[key.lower()] = Student(key, _pick(row, LOGIN_COLUMNS) or key, _pick(row, ID_COLUMNS),
                                        _pick(row, NAME_COLUMNS), _pick(row, SECTION_COLUMNS))
    return students


def match(folder: str, roster: dict[str, Student]) -> Student | None:
    """The roster's student for a submission folder: its name, or `<anything>-<key>` (the longest key)."""
    name = folder.lower()
    if name in roster:
        return roster[name]
    found = [key for key in roster if name.endswith("-" + key)]
    return roster[max(found, key=len)] if found else None
