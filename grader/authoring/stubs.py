"""Generate the exercise stubs from the reference solutions.

In `solutions/<topic>.py`, the code a student writes stands between two marker lines:

    # BEGIN SOLUTION: the task, in one line: what must hold, not which call makes it hold
    # - a constraint the task must meet (optional, one per line)
    ...the reference code...
    # END SOLUTION

`exercises/<topic>.py` is the same file with each such block replaced by its constraint lines
(as comments) and `raise NotImplementedError("<the task>")`, at the block's indentation.
The task line is what the grade table shows; it states the task and its constraints, never
the code: `copied_code` finds runs of the block's code in its task text, and the suite
fails on any. The docstrings and comments outside the blocks are copied into the stub as
they are, so the same rule holds for them against the blocks of what they document
(`copied_in_prose`), and they give away no answer the task keeps back: no word of a name
those blocks call that their task lines do not say (`answered_in_prose`: "kept as a buffer"
for a block that calls `register_buffer` and whose task avoids the word).

    python -m grader.authoring.stubs          # rewrite exercises/ from solutions/
    python -m grader.authoring.stubs --check  # exit 1 when exercises/ is out of date
"""

from __future__ import annotations

import argparse
import ast
import io
import re
import sys
import textwrap
import tokenize
from dataclasses import dataclass
from pathlib import Path

from grader.course import REPO
from grader.course.solutions import Block, parse, solution_blocks

HEADER = "# Generated from solutions/{name} by `make stubs`: replace each NotImplementedError with your code.\n"
# The shortest run of a block's code that counts as dictating it. Four tokens is the shortest
# call spelled out with its owner (`torch . save (`, `self . add_module (`, `X . mean (`), while
# three (`p . grad`, `self . state`, `x ** 2`) is how prose names an attribute or a quantity.
RUN_LENGTH = 4


def make_stub(source: str, name: str = "<solution>") -> str:
    """The stub for one solution file's text."""
    out = []
    for part in parse(source, name)[0]:
        if isinstance(part, Block):
            out.extend(f"{part.indent}# - {constraint}\n" for constraint in part.constraints)
            out.append(f"{part.indent}raise NotImplementedError({part.task!r})\n")
        else:
            out.append(part)
    return HEADER.format(name=name) + "".join(out)


def code_tokens(code: str) -> list[str]:
    """The significant tokens of a piece of Python code (names, numbers, strings, operators)."""
    tokens = []
    readline = io.StringIO(textwrap.dedent(code)).readline
    for token in tokenize.generate_tokens(readline):
        if token.type == tokenize.STRING:
            tokens.append(_string_token(token.string))
        elif token.type in (tokenize.NAME, tokenize.NUMBER, tokenize.OP):
            tokens.append(token.string)
    return tokens


TEXT_TOKEN = re.compile(r'"[^"\n]*"|[A-Za-z_]\w*|\d+(?:\.\d*)?(?:e-?\d+)?'
                        r"|\*\*=?|//=?|->|<<|>>|[-+*/%@&|^<>=!:]=|\S")


def text_tokens(text: str) -> list[str]:
    """A task text cut the way Python would cut it, so that code quoted in it shows up as code."""
    return [_string_token(token) if token.startswith('"') else token for token in TEXT_TOKEN.findall(text)]


def _string_token(literal: str) -> str:
    try:
        value = ast.literal_eval(literal)
    except (ValueError, SyntaxError):
        return literal
    return f'"{value}"' if isinstance(value, str) else literal


def copied_code(code: str, text: str, length: int = RUN_LENGTH, given: frozenset[str] = frozenset()) -> list[str]:
    """Every run of `length` consecutive tokens of `code` found in `text` that tells something the stub does not.

    A run tells something when it has an identifier that is not in `given` (the names the stub's
    own code binds: its imports, definitions and their parameters), or any attribute (a name
    after a dot): `(in_units, units)` only repeats a signature, `X.mean()` is code.
    """
    def runs(tokens: list[str]) -> list[tuple[str, ...]]:
        return [tuple(tokens[i:i + length]) for i in range(len(tokens) - length + 1)]

    tokens = code_tokens(code)

    def tells(start: int) -> bool:
        return any(_is_name(tokens[i]) and (tokens[i] not in given or (i > 0 and tokens[i - 1] == "."))
                   for i in range(start, start + length))

    in_code = {run for start, run in enumerate(runs(tokens)) if tells(start)}
    found = []
    for run in runs(text_tokens(text)):
        shown = " ".join(run)
        if run in in_code and shown not in found:
            found.append(shown)
    return found


def _is_name(token: str) -> bool:
    return token.isidentifier()


def given_names(stub: str) -> frozenset[str]:
    """The names a stub's own code binds: imports, classes, functions, their parameters, assignments."""
    names = set()
    for node in ast.walk(ast.parse(stub)):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update(alias.asname or alias.name.partition(".")[0] for alias in node.names)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
    return frozenset(names)


@dataclass
class Prose:
    """A docstring or comment of a solution file outside its blocks, which its stub keeps."""

    line: int
    text: str
    blocks: list[Block]  # those of the definition it documents (the whole file's for the module)


def stub_prose(source: str, name: str = "<solution>") -> list[Prose]:
    """Every docstring and comment outside the blocks, with the blocks of what it documents."""
    blocks = solution_blocks(source, name)
    in_blocks = {number for block in blocks for number in range(block.line, block.end + 1)}
    definitions = [node for node in ast.walk(ast.parse(source))
                   if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]

    def documented(first: int, last: int) -> list[Block]:
        return [block for block in blocks if first <= block.line <= last]

    def innermost(number: int) -> list[Block]:
        around = [node for node in definitions if node.lineno <= number <= node.end_lineno]
        if not around:
            return blocks
        node = max(around, key=lambda node: node.lineno)
        return documented(node.lineno, node.end_lineno)

    found = []
    for node in [ast.parse(source), *definitions]:
        if (docstring := ast.get_docstring(node, clean=False)) is not None:
            scope = blocks if isinstance(node, ast.Module) else documented(node.lineno, node.end_lineno)
            found.append(Prose(node.body[0].lineno, docstring, scope))
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT and token.start[0] not in in_blocks:
            found.append(Prose(token.start[0], token.string, innermost(token.start[0])))
    return sorted(found, key=lambda prose: prose.line)


def copied_in_tasks(source: str, name: str = "<solution>") -> dict[str, list[str]]:
    """`file:line` -> the runs of its block's code that a task or constraint line spells out."""
    given = given_names(make_stub(source, name))
    found = {}
    for block in solution_blocks(source, name):
        if runs := copied_code("".join(block.code), block.text, given=given):
            found[f"{name}:{block.line}: {block.task!r}"] = runs
    return found


def copied_in_prose(source: str, name: str = "<solution>") -> dict[str, list[str]]:
    """`file:line` -> the runs of code that a docstring or comment spells out, for the blocks it documents."""
    given = given_names(make_stub(source, name))
    found = {}
    for prose in stub_prose(source, name):
        runs = [run for block in prose.blocks for run in copied_code("".join(block.code), prose.text, given=given)]
        if runs:
            found[f"{name}:{prose.line}: {prose.text!r}"] = list(dict.fromkeys(runs))
    return found


# The shortest word of an API's name that counts as naming it ("eval", "grad", "rand"...).
WORD_LENGTH = 4


def called_names(code: str) -> set[str]:
    """The names a piece of code calls: `f` of `f(...)` and `name` of `x.name(...)`."""
    names = set()
    for node in ast.walk(ast.parse(textwrap.dedent(code))):
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Attribute):
                names.add(node.func.attr)
            elif isinstance(node.func, ast.Name):
                names.add(node.func.id)
    return names


def _words(text: str) -> set[str]:
    """The lower-case words of a text, identifiers cut at their underscores (register_buffer: register, buffer)."""
    return {word.lower() for word in re.findall(r"[A-Za-z]+", text.replace("_", " "))}


def _said(word: str, said: set[str]) -> bool:
    """Whether `word` is among `said`, up to an ending ("eval" is said by "evaluation", "buffers" by "buffer")."""
    return any(other.startswith(word) or (len(other) >= WORD_LENGTH and word.startswith(other)) for other in said)


def answered_in_prose(source: str, name: str = "<solution>") -> dict[str, list[str]]:
    """`file:line` -> the words of the calls its blocks make that a docstring or comment gives away.

    A docstring or comment outside the blocks tells no more about how than the task and the
    constraints of the blocks it documents: a word of a name those blocks call (`buffer` of
    `register_buffer`, `transpose`) that neither their task lines nor the stub's own code say is
    an answer the prose gives away, however it is spelled around it ("kept as a buffer").
    """
    given = set().union(*(_words(token) for token in code_tokens(make_stub(source, name)) if token.isidentifier()))
    found = {}
    for prose in stub_prose(source, name):
        said = given.union(*(_words(block.text) for block in prose.blocks))
        in_prose = _words(prose.text)
        answers = [word for block in prose.blocks for called in sorted(called_names("".join(block.code)))
                   for word in sorted(_words(called))
                   if len(word) >= WORD_LENGTH and word in in_prose and not _said(word, said)]
        if answers:
            found[f"{name}:{prose.line}: {prose.text!r}"] = list(dict.fromkeys(answers))
    return found


def expected_stubs(solutions: Path = REPO / "solutions") -> dict[str, str]:
    """File name -> the stub text generated from it, for every solution file."""
    return {path.name: make_stub(path.read_text(), path.name) for path in sorted(solutions.glob("*.py"))}


def stale_files(folder: Path, expected: dict[str, str]) -> list[str]:
    """The names of `expected` (file name -> text) that `folder` lacks or holds otherwise."""
    return [name for name, text in expected.items()
            if not (folder / name).is_file() or (folder / name).read_text(encoding="utf-8") != text]


def write_generated(folder: Path, expected: dict[str, str], kind: str, check: bool) -> int:
    """`make stubs` for one kind of generated file: write `expected` into `folder`, or (`check`,
    as `make test` does) only name the files that are out of date; the exit status."""
    stale = stale_files(folder, expected)
    if check:
        for name in stale:
            print(f"{folder.name}/{name} is out of date: run `make stubs`", file=sys.stderr)
        return 1 if stale else 0
    folder.mkdir(exist_ok=True)
    for name, text in expected.items():
        (folder / name).write_text(text, encoding="utf-8")
    print(f"wrote {len(stale)} {kind}(s)" if stale else f"{kind}s are up to date")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m grader.authoring.stubs", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report stubs that are out of date")
    args = parser.parse_args(argv)
    return write_generated(REPO / "exercises", expected_stubs(), "stub", args.check)


if __name__ == "__main__":
    sys.exit(main())
