"""Text from elsewhere (a worker's reply, its log, a file name), made safe to print.

A student's code writes the messages a grader shows: whatever it puts in them must reach a
terminal, a report or a web page as plain text, never as a command to the terminal (clear the
screen, move the cursor, rewrite a line, reverse the text's direction) nor as bytes no stream
can encode.
"""

from __future__ import annotations

import re

# Terminal escape sequences, whole (CSI, OSC, and the two-character ones; their 8-bit forms too)
ESCAPES = re.compile(r"\x1b\][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?|\x9d[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
                     r"|(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?|\x1b[ -~]?")
# What may not be printed at all, left over after ESCAPES: control characters but newline and tab (an
# escape's own ESC included, so none can be rebuilt from what is left), bidi controls and other
# invisible format characters, and lone surrogates (not UTF-8: no stream could write them).
UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f"
                         "\ufeff\ufff9-\ufffb]")
SURROGATES = re.compile("[\ud800-\udfff]")


def printable(text: str) -> str:
    """`text` safe to print on a terminal, in one pass each: escape sequences removed whole, then
    every control character left (ESC included) and bidi or invisible format character; a lone
    surrogate becomes U+FFFD. What a nested or broken sequence leaves is plain text."""
    return SURROGATES.sub("\ufffd", UNPRINTABLE.sub("", ESCAPES.sub("", text)))
