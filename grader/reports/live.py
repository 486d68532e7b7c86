"""The student's table printed as the grading goes: the head at once, each topic's lines as soon as
its checks ran, and, on a terminal, a line that says what is being graded now while it is slow.

Imports `grader.verdict.plugin` (pytest and torch): import it only once the fork server started.
"""

from __future__ import annotations

import sys
from typing import TextIO

from grader.course.i18n import ENGLISH, Translator, _
from grader.reports.student import TableWriter, display_width
from grader.verdict.plugin import Progress
from grader.verdict.scoring import score

CLEAR_LINE = "\r\x1b[K"


class LiveTable(Progress):
    """A `Progress` plugin that prints the table of `grader.reports.student.table` part by part.

    `live`: show the line of what is being graded now (only on a terminal: it is rewritten in place).
    """

    def __init__(self, title, *, stream: TextIO | None = None, live: bool | None = None, **table_options):
        self.title, self.table_options = title, table_options  # `TableWriter`'s options
        self.tr: Translator = table_options.get("tr", ENGLISH)
        self.stream = stream or sys.stdout
        self.live = self.stream.isatty() if live is None else live
        self.wants_waiting = self.live  # the line of what runs now is shown on a terminal only
        self.writer: TableWriter | None = None
        self.printed: list[str] = []  # the topics whose lines are out
        self._status = False  # whether the live line is showing

    def start(self) -> None:
        """Print the head now, before the checks are even collected."""
        self.writer = TableWriter(self.title, [], **self.table_options)
        self._print(self.writer.head())

    def collected(self, exercises: list[str]) -> None:
        if self.writer is None:
            self.start()
        self.writer.fit(exercises)

    def topic_graded(self, topic: str, outcomes: list) -> None:
        if self.writer is None or topic in self.printed:
            return
        self.printed.append(topic)
        self._print(self.writer.topic(score(outcomes)) if outcomes else [])

    def waiting(self, topic: str, exercise: str, where, seconds: float) -> None:
        if not self.live or seconds < 1:  # a check that takes less than a second is not worth a line
            return
        what = where.name if where is not None else exercise.split(".", 1)[-1]
        text = self.tr(_("{topic}: {what} has been running for {seconds} s", topic=topic, what=what,
                         seconds=f"{seconds:.0f}"))
        width = self.writer.width if self.writer else 80
        while display_width(text) > width - 1:
            text = text[:-1]
        self.stream.write(CLEAR_LINE + text)
        self.stream.flush()
        self._status = True

    def check_done(self) -> None:
        self._clear()

    def finish(self, exercises: list) -> None:
        """The topics not printed yet (if grading stopped early), then the total and the next step."""
        if self.writer is None:
            self.start()
        by_topic: dict[str, list] = {}
        for result in exercises:
            by_topic.setdefault(result.topic, []).append(result)
        lines = []
        for topic, results in by_topic.items():
            if topic not in self.printed:
                self.printed.append(topic)
                lines += self.writer.topic(results)
        self._print(lines + self.writer.tail(exercises))

    def _clear(self) -> None:
        if self._status:
            self.stream.write(CLEAR_LINE)
            self._status = False

    def _print(self, lines: list[str]) -> None:
        self._clear()
        if lines:
            self.stream.write("\n".join(lines) + "\n")
        self.stream.flush()
