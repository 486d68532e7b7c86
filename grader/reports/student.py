"""The grade, written for people (a table) and for programs (JSON, Gradescope's results.json)."""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import tempfile
import unicodedata
from pathlib import Path

from grader.course import notebooks
from grader.course.guides import level_lines
from grader.course.i18n import ENGLISH, N_, Translator, _, _n
from grader.verdict.scoring import ExerciseScore, score
from grader.workers.pool import IMPORT_FAILED, START_METHOD, protection
from grader.workers.submission import read_regular
from grader.course.solutions import CONSTRAINT
from grader.course.text import printable


def environment() -> dict:
    """Versions and settings a grade depends on."""
    # Both import torch: not at import time, which would keep the fork server waiting (see warm_up).
    import torch
    from grader.workers.serve import DETERMINISM

    cuda = torch.cuda.is_available()
    return {
        "python": platform.python_version(),
        "torch": torch.__version__,
        "cuda": torch.version.cuda,
        "cuda_available": cuda,
        "cuda_device": torch.cuda.get_device_name(0) if cuda else None,
        "determinism": DETERMINISM,
        "sandbox": protection().summary(),
        "sandbox_features": protection().as_dict(),
        "workers_start": START_METHOD,  # forkserver, or spawn where there is no fork server
    }


def to_json(exercises: list[ExerciseScore], env: dict, extra: dict | None = None) -> dict:
    """The grader's own report (a contract: see README)."""
    return {
        "score": _total(exercises, "score"),
        "max_score": _total(exercises, "max_score"),
        "unverified": _total(exercises, "unverified"),
        "exercises": [
            {
                "id": result.exercise,
                "score": result.score,
                "max_score": result.max_score,
                "unverified": result.unverified,
                "checks": [
                    {"name": c.name, "device": c.device, "status": c.status, "message": c.message,
                     "points": c.points, "hidden": c.hidden, **({"cause": c.cause} if c.cause else {}),
                     **({"hint": c.hint} if c.hint and c.status != "passed" else {})}
                    for c in result.checks
                ],
            }
            for result in exercises
        ],
        "environment": env,
        **(extra or {}),
    }


def to_gradescope(exercises: list[ExerciseScore], execution_time: float, notes: list[str] = (),
                  confinement=None, tr: Translator = ENGLISH) -> dict:
    """Gradescope's autograder results.json: one test per exercise for its public checks
    (visible), and one for its hidden checks, if any (shown once the grades are published);
    `notes` (which file was graded, notebook lines not run) follow the total in its output,
    and a warning first where `confinement` (a `sandbox.Protection`) is not full: there the
    submission's code could reach what Landlock or seccomp would have kept from it."""
    tests = []
    for result in exercises:
        for hidden in (False, True):
            checks = [c for c in result.checks if c.hidden == hidden]
            if checks:
                part = score(checks)[0]
                tests.append({
                    "name": result.exercise + (" (hidden checks)" if hidden else ""),
                    "score": part.score,
                    "max_score": part.max_score,
                    "status": "passed" if part.status == "passed" else "failed",
                    "output": _check_lines(part),
                    "visibility": "after_published" if hidden else "visible",
                })
    return {
        "score": _total(exercises, "score"),
        "execution_time": round(execution_time, 3),
        "output": "\n".join([*_confinement_warning(confinement, tr),
                              f"torchlings: {_total(exercises, 'score'):g} / {_total(exercises, 'max_score'):g} points",
                              *notes]) + _skipped_lines(exercises),
        "output_format": "text",
        "stdout_visibility": "hidden",
        "tests": tests,
    }


def _confinement_warning(confinement, tr: Translator) -> list[str]:
    if confinement is None or confinement.full:
        return []
    return [tr(_("WARNING: the submission's code ran here not fully confined ({level}): it may have read or "
                 "changed what a confined worker cannot. Tell your instructor; the autograder can be made to "
                 "refuse instead (TORCHLINGS_REQUIRE_SANDBOX=1).", level=confinement.summary()))]


def gradescope_failure(error: str, execution_time: float) -> dict:
    """The results.json of a run where the grader itself broke: no points, the error said."""
    return {"score": 0, "execution_time": round(execution_time, 3), "output_format": "text",
            "stdout_visibility": "hidden",
            "output": f"The autograder itself failed; this is not a grade of your work. Please tell your "
                      f"instructor.\n\n{error}"}


def left_out_entries(left_out: dict[str, str]) -> list[dict]:
    """What of a submission was not graded, for the JSON report: [{"path", "reason"}], by path."""
    return [{"path": path, "reason": reason} for path, reason in sorted(left_out.items())]


def left_out_lines(left_out: dict[str, str], shown: int = 5) -> list:
    """Under the table: what of the submission was not graded, and why (the first `shown`)."""
    entries = sorted(left_out.items())
    lines = [_("not graded: {path} ({reason})", path=printable(path), reason=reason)
             for path, reason in entries[:shown]]
    if len(entries) > shown:
        lines.append(_n("and {n} more file not graded", "and {n} more files not graded", len(entries) - shown,
                        n=len(entries) - shown))
    return lines


def _skipped_lines(exercises: list[ExerciseScore]) -> str:
    """Skipped runs, once per reason for the whole submission (CUDA checks on a CPU autograder, say),
    instead of a line in every test's output."""
    reasons: dict[str, int] = {}
    for result in exercises:
        for check in result.checks:
            if check.status == "skipped":
                reasons[check.message] = reasons.get(check.message, 0) + 1
    return "".join(f"\n{count} check run{'s' if count > 1 else ''} skipped (they count for nothing): {reason}"
                   for reason, count in reasons.items())


def _check_lines(result: ExerciseScore) -> str:
    lines = []
    for check in result.checks:
        if check.status == "skipped":  # said once, in the results' own output
            continue
        device = f" [{check.device}]" if check.device else ""
        line = f"{check.status.upper()}: {check.name}{device}"
        if check.message and check.status != "passed":
            line += "\n  " + check.message.replace("\n", "\n  ")
        lines.append(line)
    return "\n".join(lines)


# The words for an exercise's status, in the table.
STATUS_WORDS = {"passed": N_("passed"), "partial": N_("partial"), "failed": N_("failed")}
# A frame of the submission's code, as a worker names it: `layers.py, line 12, in forward: code`,
# or in a notebook `layers.ipynb, cell 4, line 3, in forward: code`.
FRAME = re.compile(r"^(?P<file>[^,]+)(?:, cell (?P<cell>\d+))?, line (?P<line>\d+)(?:, in (?P<function>[^:]+))?"
                   r"(?:: (?P<code>.*))?$")


def table(
    exercises: list[ExerciseScore],
    title: str,
    *,
    tr: Translator = ENGLISH,
    everything: bool = False,
    width: int | None = None,
    submission: Path | None = None,
    guides: dict | None = None,
    unlocked: dict[str, int] | None = None,
    notes: list[str] = (),
    others: bool = False,
    from_notebook: bool = False,
    printed: bool = False,
) -> str:
    """The table a student reads, wrapped to `width` (default: the terminal's).

    By default: a finished topic takes one line; the topic being worked on lists its
    exercises, the first unfinished one expanded with its reason, the student's own file and
    line and the hints they unlocked; then a "next:" pointer. `everything` shows every
    exercise of every topic and every problem found. `others`: topics were left out of this grade
    (the end speaks only of those graded). `from_notebook`: a notebook's `%torchlings` asked for
    this grade, so the next steps are said as `%torchlings` commands (which work only there).
    `printed` (`-v`): what the code printed in checks that passed is shown too, under its check.
    """
    writer = TableWriter(title, [r.exercise for r in exercises], tr=tr, everything=everything, width=width,
                         submission=submission, guides=guides, unlocked=unlocked, notes=notes, others=others,
                         from_notebook=from_notebook, printed=printed)
    lines = writer.head()
    topics: dict[str, list[ExerciseScore]] = {}
    for result in exercises:
        topics.setdefault(result.topic, []).append(result)
    for results in topics.values():
        lines += writer.topic(results)
    return "\n".join(lines + writer.tail(exercises))


class TableWriter:
    """`table`, a part at a time, so that each part can be printed as soon as it is known: the
    head (before grading), each topic's lines (once its checks ran, topics in order), the tail.
    `exercises` names every exercise the table will hold ("<topic>.<symbol>"), for its columns."""

    def __init__(self, title, exercises: list[str], *, tr: Translator = ENGLISH, everything: bool = False,
                 width: int | None = None, submission: Path | None = None, guides: dict | None = None,
                 unlocked: dict[str, int] | None = None, notes: list[str] = (), others: bool = False,
                 from_notebook: bool = False, printed: bool = False):
        self.title, self.tr, self.everything, self.submission = title, tr, everything, submission
        self.printed = printed  # whether passing checks' printed output is shown
        self.from_notebook = from_notebook
        self.notes, self.others = notes, others
        self.width = width or shutil.get_terminal_size((80, 24)).columns
        self.guides, self.unlocked = guides or {}, unlocked or {}
        self.fit(exercises)
        self.first: ExerciseScore | None = None  # the first unfinished exercise so far
        self.first_unimportable = False  # whether its topic's file does not even import
        self._blank = False  # whether the last line given out was empty

    def fit(self, exercises: list[str]) -> None:
        """Columns wide enough for these exercises' names and topics."""
        self.name_width = max((display_width(e.split(".", 1)[1]) for e in exercises), default=10) + 2
        self.topic_width = max((display_width(e.split(".", 1)[0]) for e in exercises), default=10) + 2

    def head(self) -> list[str]:
        """The title, and the notes on what was graded."""
        self._blank = True
        lines = wrap(self.tr(self.title), self.width) + [""]
        for note in self.notes:
            lines += wrap(self.tr(note), self.width, "", "  ")
        return lines + ([""] if self.notes else [])

    def topic(self, results: list[ExerciseScore]) -> list[str]:
        """One topic's lines, given the topics before it (and only those) already."""
        tr, width, everything = self.tr, self.width, self.everything
        lines: list[str] = []
        topic = results[0].topic
        unimportable = import_failure(results)
        if self.first is None:
            self.first = next((result for result in results if result.status != "passed"), None)
            self.first_unimportable = unimportable is not None
        first = self.first
        if unimportable is not None:  # one problem, the file's: said once, not under every exercise
            problem = tr(_("the file does not import: fix this first"))
            line = f"{pad(topic, self.topic_width)}{_points(results):>12}   {problem}"
            if not (everything or (first is not None and first.topic == topic)):
                self._blank = False
                return [line]
            lines += [line] if self._blank else ["", line]
            lines += _message_lines(unimportable, width, self.submission, tr, everything, topic) + [""]
            self._blank = True
            return lines
        done = sum(result.status == "passed" for result in results)
        progress = tr(_("done")) if done == len(results) else tr(
            _n("{done} of {count} exercise done", "{done} of {count} exercises done", len(results),
               done=done, count=len(results)))
        line = f"{pad(topic, self.topic_width)}{_points(results):>12}   {progress}"
        if not (everything or (first is not None and first.topic == topic)):
            self._blank = False
            return [line]
        lines += [line] if self._blank else ["", line]
        for result in results:
            symbol = result.exercise.split(".", 1)[1]
            mark = "> " if result is first and not everything else "  "
            lines.append(f"{mark}{pad(symbol, self.name_width)}{result.score:>6g} / {result.max_score:<4g} "
                         f"{tr(STATUS_WORDS[result.status])}")
            if self.printed:  # what passing checks printed, on request (a failing check's message holds its own)
                for check in result.checks:
                    if check.status == "passed" and check.printed:
                        lines += wrap(tr(_("{check} passed", check=check.name)), width, "      ", "        ")
                        lines += _message_lines(check.printed, width, self.submission, tr, everything, topic)
            if result.status == "passed" or not (everything or result is first):
                continue
            problems = list(dict.fromkeys(c.message for c in result.checks if c.status not in ("passed", "skipped")))
            for message in problems if everything else problems[:1]:
                lines += _message_lines(message, width, self.submission, tr, everything, topic)
            if len(problems) > 1 and not everything:
                lines += wrap(tr(_n("and {n} more problem", "and {n} more problems", len(problems) - 1,
                                    n=len(problems) - 1)), width, "      ")
            if result.exercise in self.guides:
                for message in level_lines(self.guides[result.exercise], self.unlocked.get(result.exercise, 0)):
                    lines += wrap(tr(message), width, "      ", "        ")
        lines.append("")
        self._blank = True
        return lines

    def tail(self, exercises: list[ExerciseScore]) -> list[str]:
        """The total and the next step, once every topic's lines were given out."""
        lines = [] if self._blank else [""]
        lines.append(self.tr(_("Total  {points}", points=_points(exercises))))
        if unverified := _total(exercises, "unverified"):
            lines += wrap(self.tr(_("{points:g} of these points not verified on this machine: their checks' CUDA runs "
                                    "were skipped (no CUDA here)", points=unverified)), self.width)
        if self.first is None and self.others:
            topics = list(dict.fromkeys(result.topic for result in exercises))
            return lines + wrap(self.tr(_("every exercise of {topics} passes; the other topics were not graded "
                                          "this time", topics=", ".join(topics))), self.width)
        if self.first is not None and self.first_unimportable:
            graded = notebooks.graded_file(self.submission, self.first.topic) if self.submission else None
            path = _shown_path(graded) if graded else f"{self.first.topic}.py"
            return lines + wrap(self.tr(_("next: make {path} import (the error above)", path=path)), self.width, "",
                                "      ")
        return lines + _next_lines(self.first, self.width, self.submission, self.tr, self.guides, self.unlocked,
                                   self.everything, self.from_notebook)


def import_failure(results: list[ExerciseScore]) -> str | None:
    """The message, when every check of these exercises that ran ended because the topic file did
    not import (a syntax error, `from d2l import torch as d2l`, ...); else None."""
    ran = [check for result in results for check in result.checks if check.status != "skipped"]
    if ran and all(check.cause == IMPORT_FAILED for check in ran):
        return ran[0].message
    return None


def _message_lines(message: str, width: int, submission: Path | None, tr: Translator, everything: bool,
                   topic: str) -> list[str]:
    """A check's message under its exercise: the reason, where (the student's own frames) and notes.

    Lines the message indents by four spaces are frames of the submission's code, by two a note
    (a hint, what the code printed); the rest is the reason.
    """
    reason, frames, notes = [], [], []
    for line in printable(message).splitlines():
        if line.startswith("    "):
            frames.append(line.strip())
        elif line.startswith("  "):
            notes += wrap(line.strip(), width, "      ", "        ")
        elif line.strip():
            reason += wrap(line, width, "      ")
    for constraint in _constraints_of_stub(frames[-1] if frames else "", submission, topic):
        reason += wrap(f"- {tr(constraint)}", width, "      ", "        ")
    for frame in frames if everything else frames[-1:]:
        reason += wrap(_frame_text(frame, submission, tr, everything, topic), width, "      ", "        ")
    return reason + notes


MAX_TOPIC_FILE = 1 << 20  # bytes of a topic file read to show a stub's constraints


def _constraints_of_stub(frame: str, submission: Path | None, topic: str) -> list[str]:
    """The `# - ` constraint lines above the stub's `raise NotImplementedError` where the code stopped.

    A stub states its task's constraints as comments in English; shown here, they come in the
    student's language like the task itself. The frame is the worker's text: it only says at
    which line; the file read is the exercise's own topic file in the submission, chosen here,
    and only when the frame names it (a regular file, no link followed, of bounded size).
    """
    match = FRAME.match(frame)
    own = f"{topic}.ipynb" if match is not None and match["cell"] else f"{topic}.py"
    if match is None or submission is None or match["file"] != own:
        return []
    try:
        if match["cell"]:  # read capped, no link followed (grader.course.notebooks)
            lines = notebooks.cell_lines(submission / own, int(match["cell"]))[:int(match["line"])]
        else:
            data = read_regular(submission / own, MAX_TOPIC_FILE)
            lines = data.decode("utf-8").splitlines()[:int(match["line"])] if data is not None else []
    except (OSError, UnicodeDecodeError, ValueError):
        return []
    if not lines or not lines[-1].lstrip().startswith("raise NotImplementedError"):
        return []
    found = []
    for line in reversed(lines[:-1]):
        constraint = CONSTRAINT.match(line)
        if constraint is None:
            break
        found.insert(0, constraint["text"])
    return found


def _frame_text(frame: str, submission: Path | None, tr: Translator, everything: bool, topic: str) -> str:
    match = FRAME.match(frame)
    if match is None:
        return frame
    # Only the topic file's path is made here; any other file name is the worker's text, shown as it is.
    own = submission is not None and match["file"] in (f"{topic}.py", f"{topic}.ipynb")
    path = _shown_path(submission / match["file"]) if own else match["file"]
    if match["cell"]:
        where = tr(_("at {path}, cell {cell}, line {line}, in {function}", path=path, cell=match["cell"],
                     line=match["line"], function=match["function"] or "?"))
    else:
        where = tr(_("at {path}:{line}, in {function}", path=path, line=match["line"],
                     function=match["function"] or "?"))
    code = match["code"] or ""
    # The stub's own `raise NotImplementedError(task)` only repeats the task shown above it.
    if everything and code and not code.startswith("raise NotImplementedError"):
        return tr(_("{where}: {code}", where=where, code=code))
    return where


def _shown_path(path: Path) -> str:
    try:  # abspath, not resolve: the path as the submission has it, no link followed
        return str(Path(os.path.abspath(path)).relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _next_lines(first, width, submission, tr, guides, unlocked, everything, from_notebook=False) -> list[str]:
    if first is None:
        return wrap(tr(_("every exercise passes: well done")), width)
    symbol, topic = first.exercise.split(".", 1)[1], first.topic
    graded = notebooks.graded_file(submission, topic) if submission else Path(f"{topic}.py")
    path = _shown_path(graded) if submission else graded.name
    lines = wrap(tr(_("next: make {exercise} pass, in {path}", exercise=symbol, path=path)), width, "", "      ")
    guide = guides.get(first.exercise)
    shown = unlocked.get(first.exercise, 0)
    # `%torchlings` works only inside Jupyter: said only when a notebook's magic asked for the grade
    # (a notebook graded from a terminal, `make grade SUBMISSION=notebooks`, is told `make hint`).
    in_notebook = from_notebook and graded.suffix == notebooks.NOTEBOOK_SUFFIX
    if guide is not None and shown < len(guide.hints):
        step = (_("`%torchlings {topic} --hint` shows hint {level} of {count}", topic=topic, level=shown + 1,
                  count=len(guide.hints)) if in_notebook else
                _("`make hint` shows hint {level} of {count}", level=shown + 1, count=len(guide.hints)))
        lines += wrap(tr(step), width, "      ", "      ")
    if not everything:
        step = (_("`%torchlings {topic} --all` shows every exercise and every problem", topic=topic) if in_notebook
                else _("`make grade GRADE_ARGS=--all` shows every exercise and every problem"))
        lines += wrap(tr(step), width, "      ", "      ")
    return lines


def strip_ansi(text: str) -> str:
    """`text` without terminal escape sequences (PyTorch colours some of its messages) nor any other
    control character (`grader.course.text.printable`, which every worker's string passed already)."""
    return printable(text)


def display_width(text: str) -> int:
    """Columns `text` takes on a terminal: wide (CJK) characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 0 if unicodedata.combining(c) else 1 for c in text)


def pad(text: str, width: int) -> str:
    return text + " " * max(width - display_width(text), 0)


def wrap(text: str, width: int | None = None, initial: str = "", subsequent: str | None = None) -> list[str]:
    """`text` broken into lines of at most `width` columns, counting wide characters twice.

    Lines break at spaces, after Chinese punctuation, and where wide characters meet others
    (see `TOKEN`): never inside an identifier, a `code span` or a run of Chinese between two
    punctuation marks, unless it is longer than a whole line (then it is cut, except a URL: cut,
    it could not be followed). Each line of `text` is wrapped on its own.
    """
    width = width or shutil.get_terminal_size((80, 24)).columns
    subsequent = initial if subsequent is None else subsequent
    out = []
    for paragraph in strip_ansi(text).splitlines() or [""]:
        line, indent = initial, initial
        for token in _tokens(paragraph):
            room = width - display_width(line)
            if token.isspace():
                if line != indent and room > 0:
                    line += " "
                continue
            if display_width(token) > room and line.strip():
                out.append(line.rstrip())
                line = indent = subsequent
                room = width - display_width(line)
            while display_width(token) > room > 0 and not line.strip() and not URL.match(token):
                cut = _fit(token, room)
                out.append(line + token[:cut])
                token = token[cut:]
            line += token
        out.append(line.rstrip())
        initial = subsequent
    return out


WIDE = "\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef"
# Punctuation that may not start a line (it sticks to what precedes it) or end one (it sticks
# to what follows), as Chinese typesetting has it.
WIDE_CLOSING, ASCII_CLOSING = "、。，．：；！？）」』》】〉’”", "%,.:;!?)]}"
CLOSING, OPENING = WIDE_CLOSING + ASCII_CLOSING, "（「『《【〈‘“([{"
URL = re.compile(r"[a-z][a-z0-9+.-]*://", re.IGNORECASE)
# What a line may not break inside: a `code span`, a run of other characters without spaces
# (an identifier, `x.detach()`, a number), and a run of wide characters between two punctuation
# marks (Chinese has no spaces between its words, and a break could split one: 张量 is one
# word). Punctuation sticks to its neighbour; ASCII punctuation after wide characters only where a
# space or a wide character follows it (`张量.detach()` breaks before `.detach()`, not after the dot).
TOKEN = re.compile(
    rf"\s+|[{re.escape(OPENING)}]*"
    rf"(?:`[^`\n]*`|[^\s{WIDE}`]+|(?:(?![{re.escape(WIDE_CLOSING + OPENING)}])[{WIDE}])+|[^\s])"
    rf"(?:[{re.escape(WIDE_CLOSING)}]|[{re.escape(ASCII_CLOSING)}](?=[\s{WIDE}]|$))*")


def _tokens(text: str) -> list[str]:
    """What a line may break between: runs of spaces, and the unbreakable runs of `TOKEN`."""
    return TOKEN.findall(text)


def _fit(token: str, room: int) -> int:
    """How many leading characters of `token` fit in `room` columns (at least one)."""
    used = 0
    for index, character in enumerate(token):
        used += display_width(character)
        if used > room:
            return max(index, 1)
    return len(token)


def _points(results: list[ExerciseScore]) -> str:
    return f"{_total(results, 'score'):g} / {_total(results, 'max_score'):g}"


def _total(results: list[ExerciseScore], attribute: str) -> float:
    return round(sum(getattr(r, attribute) for r in results), 6)


def write_atomically(path: str | os.PathLike, text: str) -> None:
    """Write `text` to `path` so that readers see the old file or the new one, never half."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        # backslashreplace: a lone surrogate (a file name that is not UTF-8) costs its characters, not the report
        with os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_json(path, data: dict) -> None:
    write_atomically(path, json.dumps(data, indent=2) + "\n")
