"""Keep the message catalogues in step with the code: extract every msgid, merge, check.

    python -m grader.authoring.messages update     # merge every msgid into each .po (--locale xx: a new one)
    python -m grader.authoring.messages check      # exit 1 when a msgid lacks a translation (or the reverse)
    python -m grader.authoring.messages unmarked   # list check messages not yet marked for translation
"""

from __future__ import annotations

import argparse
import ast
import io
import string
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from grader.course import REPO
from grader.course.guides import guide_texts, load_guide
from grader.course.i18n import DOMAIN, EXTRACT_KEYWORDS, available_locales, catalog_path, read_catalog
from grader.course.solutions import solution_blocks

KEYWORDS = EXTRACT_KEYWORDS
PYTHON_SOURCES = ("grader", "tests/topics")


def extract(repo: Path = REPO):
    """Every msgid: marked strings in the engine and the checks, guide texts, stub task and constraint lines."""

    catalog = Catalog(domain=DOMAIN, project="torchlings", charset="utf-8")
    for folder in PYTHON_SOURCES:
        for filename, line, message, comments, _context in extract_from_dir(
                repo / folder, [("**.py", "python")], keywords=KEYWORDS, comment_tags=("TRANSLATORS:",)):
            catalog.add(message, locations=[(f"{folder}/{filename}", line)], auto_comments=comments,
                        flags=("python-brace-format",) if _placeholders(_first(message)) else ())
    for path in sorted((repo / "tests" / "topics").glob("guide_*.toml")):
        where = path.relative_to(repo).as_posix()
        for symbol, entry in load_guide(path.stem.removeprefix("guide_"), path.parent).items():
            if isinstance(entry, dict):
                for text in guide_texts(entry):
                    catalog.add(text, locations=[(where, 0)], auto_comments=[symbol])
    for path in sorted((repo / "solutions").glob("*.py")):
        for block in solution_blocks(path.read_text(encoding="utf-8"), path.name):
            where = [(f"solutions/{path.name}", block.line)]
            catalog.add(block.task, locations=where, auto_comments=["a stub's task line"])
            for constraint in block.constraints:
                catalog.add(constraint, locations=where, auto_comments=["a constraint on a stub's task"])
    return catalog


def _placeholders(text: str) -> set[str]:
    try:
        return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name is not None}
    except ValueError:
        return {"<unbalanced braces>"}


def _first(msgid) -> str:
    return msgid[0] if isinstance(msgid, (list, tuple)) else msgid


def _ids(message) -> list[str]:
    return list(message.id) if isinstance(message.id, (list, tuple)) else [message.id]


def problems(locale: str, repo: Path = REPO) -> list[str]:
    """What is wrong with a catalogue: msgids without translation, fuzzy, obsolete or mismatched entries."""
    template, catalog = extract(repo), read_catalog(locale)
    found = []
    for message in template:
        if not message.id:
            continue
        msgid, own = _ids(message)[0], catalog.get(message.id)
        where = ", ".join(f"{file}:{line}" for file, line in message.locations[:1])
        strings = [] if own is None else own.string if isinstance(own.string, (list, tuple)) else [own.string]
        if not strings or not all(strings):
            found.append(f"{locale}: no translation for {msgid!r} ({where})")
        elif own.fuzzy:
            found.append(f"{locale}: the translation of {msgid!r} is fuzzy: review it ({where})")
        elif any(_placeholders(text) != _placeholders(msgid) for text in strings):
            found.append(f"{locale}: the translation of {msgid!r} has other placeholders ({where})")
    wanted = {_ids(message)[0] for message in template if message.id}
    for message in catalog:
        if message.id and _ids(message)[0] not in wanted:
            found.append(f"{locale}: {_ids(message)[0]!r} is translated but no longer used: remove it")
    for message in catalog.obsolete.values():
        found.append(f"{locale}: {_ids(message)[0]!r} is an obsolete entry: remove it")
    return found


def update(locale: str, repo: Path = REPO) -> int:
    """Merge the extracted msgids into `locale`'s catalogue; return how many lack a translation."""
    path = catalog_path(locale)
    catalog = read_catalog(locale) if path.is_file() else Catalog(locale=locale, domain=DOMAIN)
    text = merged(catalog, extract(repo))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text)
    return sum(1 for message in catalog if message.id and (message.fuzzy or not message.string))


def merged(catalog: Catalog, template: Catalog) -> bytes:
    """`catalog` with `template`'s msgids merged in, as the .po file's bytes, changed only where the
    messages changed: a new msgid comes in untranslated (never pre-filled with a "fuzzy" guess
    taken from a similar message), references name files without line numbers (which every edit
    above a message would shift), and the header's creation date stays."""
    catalog.update(template, no_fuzzy_matching=True, update_creation_date=False)
    stream = io.BytesIO()
    write_po(stream, catalog, width=100, ignore_obsolete=True, sort_by_file=True, include_lineno=False)
    return stream.getvalue()


def read_po_bytes(data: bytes) -> Catalog:
    """A catalogue from a .po file's bytes (what `merged` returns)."""
    return read_po(io.BytesIO(data))


# --- messages not yet marked -----------------------------------------------------------------

# The message arguments of the functions checks fail with: positions and keyword names.
MESSAGE_ARGUMENTS = {
    "expect": ((1, 2), ("message", "hint")),
    "expect_equal": ((2, 3), ("what", "hint")),
    "expect_close": ((2, 3), ("what", "hint", "against")),
    "expect_same_as_reference": ((), ("what", "hint")),
    "CheckFailed": ((0,), ("message",)),
    "Fault": ((1,), ("message",)),
    "ReferenceFailed": ((0,), ("message",)),
    "fail": ((0,), ("reason", "msg")),
    "skip": ((0,), ("reason", "msg")),
    "skipif": ((), ("reason",)),
}


def unmarked(paths: list[Path]) -> list[str]:
    """`file:line: text` for every literal message argument not wrapped in `_`, `_n` or `N_`."""
    found = []
    for path in paths:
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name not in MESSAGE_ARGUMENTS:
                continue
            positions, keywords = MESSAGE_ARGUMENTS[name]
            arguments = [node.args[i] for i in positions if i < len(node.args)]
            arguments += [k.value for k in node.keywords if k.arg in keywords]
            for argument in arguments:
                if isinstance(argument, (ast.Constant, ast.JoinedStr)) and not (
                        isinstance(argument, ast.Constant) and not isinstance(argument.value, str)):
                    text = ast.get_source_segment(path.read_text(encoding="utf-8"), argument) or ""
                    found.append(f"{path.relative_to(REPO) if path.is_relative_to(REPO) else path}:"
                                 f"{argument.lineno}: {text[:100]}")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m grader.authoring.messages", description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=("update", "check", "unmarked"))
    parser.add_argument("paths", nargs="*", help="for unmarked: the files to look at (default: tests/topics)")
    parser.add_argument("--locale", action="append", default=[], help="for update: a new language's catalogue too")
    args = parser.parse_args(argv)
    if args.command == "update":
        for locale in sorted(set(available_locales() + args.locale)):
            print(f"{catalog_path(locale).relative_to(REPO)}: {update(locale)} message(s) to translate")
        return 0
    if args.command == "check":
        found = [problem for locale in available_locales() for problem in problems(locale)]
        print("\n".join(found) if found else "every message has a translation in every language")
        return 1 if found else 0
    paths = [Path(p) for p in args.paths] or sorted((REPO / "tests" / "topics").glob("test_*.py"))
    found = unmarked(paths)
    print("\n".join(found + [f"{len(found)} unmarked message(s)"]))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
