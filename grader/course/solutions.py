"""The single source: a reference solution's marked blocks, which the stubs, the notebooks and the
exercise list are made from.

In `solutions/<topic>.py`, the code a student writes stands between two marker lines:

    # BEGIN SOLUTION: the task, in one line: what must hold, not which call makes it hold
    # - a constraint the task must meet (optional, one per line)
    ...the reference code...
    # END SOLUTION
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

BEGIN = re.compile(r"^(?P<indent>\s*)# BEGIN SOLUTION(?::\s*(?P<pointer>.*?))?\s*$")
CONSTRAINT = re.compile(r"^\s*# - (?P<text>.*?)\s*$")
END = re.compile(r"^\s*# END SOLUTION\s*$")


class MarkerError(ValueError):
    """The markers in a solution file do not pair up."""


@dataclass
class Block:
    """One marked block of a solution file."""

    line: int  # of its BEGIN SOLUTION marker, counted from 1
    indent: str
    task: str
    constraints: list[str] = field(default_factory=list)
    code: list[str] = field(default_factory=list)
    end: int = 0  # the line of its END SOLUTION marker

    @property
    def text(self) -> str:
        """Everything the stub tells the student about this block."""
        return "\n".join([self.task, *self.constraints])


def solution_blocks(source: str, name: str = "<solution>") -> list[Block]:
    """Every marked block of a solution file's text, in order."""
    return parse(source, name)[1]


def parse(source: str, name: str) -> tuple[list[str | Block], list[Block]]:
    """The file as a list of lines outside the blocks and the blocks themselves."""
    parts: list[str | Block] = []
    blocks: list[Block] = []
    block: Block | None = None
    for number, line in enumerate(source.splitlines(keepends=True), start=1):
        begin = BEGIN.match(line)
        if begin:
            if block is not None:
                raise MarkerError(f"{name}:{number}: BEGIN SOLUTION inside the block opened at line {block.line}")
            block = Block(number, begin["indent"], begin["pointer"] or "write this part")
            parts.append(block)
            blocks.append(block)
        elif END.match(line):
            if block is None:
                raise MarkerError(f"{name}:{number}: END SOLUTION without a BEGIN SOLUTION")
            block.end = number
            block = None
        elif block is None:
            parts.append(line)
        elif not block.code and CONSTRAINT.match(line):
            block.constraints.append(CONSTRAINT.match(line)["text"])
        else:
            block.code.append(line)
    if block is not None:
        raise MarkerError(f"{name}:{block.line}: BEGIN SOLUTION is never closed")
    return parts, blocks
