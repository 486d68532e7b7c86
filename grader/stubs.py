"""Generate the exercise stubs from the reference solutions.

In `solutions/<topic>.py`, the code a student writes stands between two marker lines:

    # BEGIN SOLUTION: a one-line pointer to what to do
    ...the reference code...
    # END SOLUTION

`exercises/<topic>.py` is the same file with each such block replaced by
`raise NotImplementedError("<the pointer>")` at the block's indentation.

    python -m grader.stubs          # rewrite exercises/ from solutions/
    python -m grader.stubs --check  # exit 1 when exercises/ is out of date
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BEGIN = re.compile(r"^(?P<indent>\s*)# BEGIN SOLUTION(?::\s*(?P<pointer>.*?))?\s*$")
END = re.compile(r"^\s*# END SOLUTION\s*$")
HEADER = "# Generated from solutions/{name} by `make stubs`: replace each NotImplementedError with your code.\n"


class MarkerError(ValueError):
    """The markers in a solution file do not pair up."""


def make_stub(source: str, name: str = "<solution>") -> str:
    """The stub for one solution file's text."""
    out, inside = [], None
    for number, line in enumerate(source.splitlines(keepends=True), start=1):
        begin = BEGIN.match(line)
        if begin:
            if inside is not None:
                raise MarkerError(f"{name}:{number}: BEGIN SOLUTION inside the block opened at line {inside}")
            inside = number
            pointer = begin["pointer"] or "write this part"
            out.append(f"{begin['indent']}raise NotImplementedError({pointer!r})\n")
        elif END.match(line):
            if inside is None:
                raise MarkerError(f"{name}:{number}: END SOLUTION without a BEGIN SOLUTION")
            inside = None
        elif inside is None:
            out.append(line)
    if inside is not None:
        raise MarkerError(f"{name}:{inside}: BEGIN SOLUTION is never closed")
    return HEADER.format(name=name) + "".join(out)


def expected_stubs(solutions: Path = REPO / "solutions") -> dict[str, str]:
    """File name -> the stub text generated from it, for every solution file."""
    return {path.name: make_stub(path.read_text(), path.name) for path in sorted(solutions.glob("*.py"))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m grader.stubs", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report stubs that are out of date")
    args = parser.parse_args(argv)
    exercises = REPO / "exercises"
    stale = [name for name, text in expected_stubs().items()
             if not (exercises / name).is_file() or (exercises / name).read_text() != text]
    if args.check:
        for name in stale:
            print(f"exercises/{name} is out of date: run `make stubs`", file=sys.stderr)
        return 1 if stale else 0
    exercises.mkdir(exist_ok=True)
    for name, text in expected_stubs().items():
        (exercises / name).write_text(text)
    print(f"wrote {len(stale)} stub(s)" if stale else "stubs are up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
