"""The class report: gradebooks for the course's LMS, and summaries for the instructor.

Written from the per-student reports of a `--class` run (or of several, by `merge`):

- `gradebook.csv`: Canvas's import layout: `Student, ID, SIS User ID, SIS Login ID, Section`,
  then the grade columns, a `Points Possible` row, then one row per student (names, ids and
  sections from the roster, else the folder's name as `Student` and `SIS Login ID`). The grade
  columns (`Options.columns`): one total (named after the assignment), one per topic or one per
  exercise (`<assignment>: <topic>[.<Symbol>]`), in points;
- `gradebook-moodle.csv`: the same students for Moodle's CSV import: `Username` (the SIS login),
  `ID number`, `Full name`, then the same columns in percent of their points, so that a new
  grade item's default maximum (100) fits without editing;
- `summary.md` (safe to publish as a CI step summary: no student's name, no path, nothing of a
  hidden check) and `summary.html` (the instructor's page, self-contained, charts in inline
  SVG): who needs attention (no topic files, a file that does not import, checks that timed
  out, a grade the grader could not finish), the score distribution, each exercise's pass rate
  among the students who attempted it (those who did not are counted apart) and their most
  frequent reasons for lost points, grouped with the numbers that differ between students left
  out; the HTML page adds a per-student table and, folded, each check's pass rate.

Both gradebooks can start with a UTF-8 byte order mark (`Options.bom`) for Excel.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import statistics
from dataclasses import dataclass, field
from pathlib import Path

from grader.course.i18n import _n
from grader.reports import roster as rosters
from grader.reports.student import write_atomically

BINS = 10  # the score distribution's bars, each a tenth of the points
TOP_REASONS = 3
REASON_LENGTH = 160  # a grouped reason is clipped to this many characters
GRANULARITIES = ("total", "topic", "exercise")
CANVAS_COLUMNS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
MOODLE_COLUMNS = ["Username", "ID number", "Full name"]
POINTS_POSSIBLE = "Points Possible"
# A check fault's causes (grader.workers.pool.CAUSES, as plain strings in the reports): those
# that mean the student did not attempt the exercise, the one that means a file does not import,
# and the one of a check not run because the code it calls timed out in an earlier check.
NOT_ATTEMPTED = {"not_submitted", "not_implemented"}
IMPORT_FAILED = "import_failed"
NOT_RUN = "not_run"
_NUMBER = re.compile(r"(?<![A-Za-z_\d])[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")
_PATH = re.compile(r"(?:[A-Za-z]:)?(?:[/\\][^\s/\\:,;()'\"]+){2,}")


def _first_line(message: str, private: tuple[str, ...]) -> str:
    """A message's first line, every path cut to its last part, each `private` word put as '<student>'."""
    first = message.strip().splitlines()[0] if message.strip() else "(no message)"
    first = _PATH.sub(lambda match: "…/" + re.split(r"[/\\]", match.group())[-1], first)
    for word in sorted(set(filter(None, private)), key=len, reverse=True):
        first = re.sub(rf"(?<![\w.-]){re.escape(word)}(?![\w-])", "<student>", first)
    return first


def reason_pattern(message: str, private: tuple[str, ...] = ()) -> str:
    """A failure message's first line, with every number replaced by '#', every path by its
    last part and each of the `private` words (a student's folder and login) by '<student>'."""
    return _NUMBER.sub("#", _first_line(message, private))


def _numbers(message: str, private: tuple[str, ...] = ()) -> tuple[str, ...]:
    return tuple(_NUMBER.findall(_first_line(message, private)))


@dataclass
class Reason:
    """One grouped reason: how many students, and the numbers each member's message had."""

    students: int = 0
    numbers: list[tuple[str, ...]] = field(default_factory=list)

    def text(self, pattern: str) -> str:
        """The pattern with each number that every member shares put back; clipped."""
        shared = [values[0] if len(set(values)) == 1 else "#" for values in zip(*self.numbers)]
        parts = pattern.split("#")
        if len(shared) == len(parts) - 1:
            pattern = "".join(part + (shared[i] if i < len(shared) else "") for i, part in enumerate(parts))
        return pattern if len(pattern) <= REASON_LENGTH else pattern[:REASON_LENGTH - 1] + "…"


@dataclass
class ExerciseStats:
    max_score: float = 0.0
    scores: list[float] = field(default_factory=list)  # every student's
    attempted: list[float] = field(default_factory=list)  # those of the students who attempted it
    reasons: dict[str, Reason] = field(default_factory=dict)  # pattern -> students who attempted it

    @property
    def mean_fraction(self) -> float:
        return statistics.fmean(self.scores) / self.max_score if self.scores and self.max_score else 1.0

    @property
    def attempted_fraction(self) -> float | None:
        """The mean share of the points among the students who attempted it; None when nobody did."""
        if not self.attempted or not self.max_score:
            return None
        return statistics.fmean(self.attempted) / self.max_score

    def top_reasons(self, count: int = TOP_REASONS) -> list[tuple[str, int]]:
        ranked = sorted(self.reasons.items(), key=lambda item: (-item[1].students, item[0]))[:count]
        return [(reason.text(pattern), reason.students) for pattern, reason in ranked]


@dataclass(frozen=True)
class Options:
    """How the class report is written (see `python -m grader --help`)."""

    roster: dict | None = None  # grader.reports.roster.read's
    columns: str = "total"  # one of GRANULARITIES
    assignment: str = "torchlings"
    bom: bool = False


@dataclass(frozen=True)
class Problem:
    """Something about one student that an instructor should look at, beyond the score."""

    student: str
    kind: str  # one of PROBLEM_KINDS
    detail: str = ""


PROBLEM_KINDS = {
    "no_files": "no topic files found",
    "import_failed": "a topic file does not import",
    "timeouts": "checks timed out",
    "grader_failed": "the grader could not finish the grade",
    "no_folder": "in the roster, but no folder",
    "not_in_roster": "a folder the roster does not list",
}


@dataclass
class Summary:
    """What `write_class_report` tells the command: the console's lines, and the problems found."""

    text: str
    problems: list[Problem]


def student_problems(report: dict) -> list[Problem]:
    """What in one student's report needs an instructor's attention."""
    name = report.get("name", "?")
    problems = []
    checks = [c for e in report.get("exercises", []) for c in e.get("checks", [])]
    run = [c for c in checks if c.get("status") != "skipped"]
    if run and all(c.get("cause") == "not_submitted" for c in run):
        problems.append(Problem(name, "no_files"))
    failed_imports = sorted({e["id"].split(".")[0] for e in report.get("exercises", [])
                             for c in e.get("checks", []) if c.get("cause") == IMPORT_FAILED})
    if failed_imports:
        problems.append(Problem(name, "import_failed", ", ".join(failed_imports)))
    timeouts = sum(c.get("status") == "timeout" and c.get("cause") not in (IMPORT_FAILED, NOT_RUN) for c in checks)
    not_run = sum(c.get("status") == "timeout" and c.get("cause") == NOT_RUN for c in checks)
    if timeouts or not_run:
        detail = [str(_n("{n} check run timed out", "{n} check runs timed out", timeouts, n=timeouts))] if timeouts else []
        if not_run:
            detail.append(str(_n("{n} check not run after a timeout", "{n} checks not run after a timeout",
                                 not_run, n=not_run)))
        problems.append(Problem(name, "timeouts", "; ".join(detail)))
    if report.get("complete") is False:
        problems.append(Problem(name, "grader_failed"))
    return problems


def _attempted(exercise: dict) -> bool:
    """Whether the student attempted it: some points, or a failure other than "not written yet"."""
    if exercise["score"] > 0:
        return True
    failed = [c for c in exercise["checks"] if c["status"] not in ("passed", "skipped")]
    return not failed or any(c.get("cause") not in NOT_ATTEMPTED for c in failed)


@dataclass
class ClassStats:
    """What the summaries show, gathered one student report at a time."""

    options: Options = field(default_factory=Options)
    rows: list[dict] = field(default_factory=list)  # the gradebook: identity, then points by exercise id
    maxima: dict[str, float] = field(default_factory=dict)  # exercise id -> its points
    totals: list[tuple[float, float]] = field(default_factory=list)  # (score, max_score) per student
    students: list[dict] = field(default_factory=list)  # (for the per-student table)
    exercises: dict[str, ExerciseStats] = field(default_factory=dict)
    checks: dict[tuple[str, str], list[int]] = field(default_factory=dict)  # -> [students passed, students run]
    hidden_checks: set = field(default_factory=set)  # (exercise, check) of checks graded only by the autograder
    problems: list[Problem] = field(default_factory=list)
    matched: set = field(default_factory=set)  # roster keys that a folder matched

    @property
    def incomplete(self) -> list[str]:
        return [p.student for p in self.problems if p.kind == "grader_failed"]

    def add(self, report: dict) -> None:
        folder = report.get("name", "?")
        who = rosters.match(folder, self.options.roster) if self.options.roster is not None else None
        if who is not None:
            self.matched.add(who.key.lower())
        elif self.options.roster is not None:
            self.problems.append(Problem(folder, "not_in_roster"))
        login = who.login if who else folder
        private = (folder, login, *((who.key, who.name, who.sis_id) if who else ()))
        row = {"Student": (who.name if who and who.name else folder), "ID": "", "SIS User ID": who.sis_id if who else "",
               "SIS Login ID": login, "Section": who.section if who else ""}
        self.totals.append((report["score"], report["max_score"]))
        self.problems += student_problems(report)
        not_attempted = 0
        for exercise in report["exercises"]:
            row[exercise["id"]] = exercise["score"]
            self.maxima[exercise["id"]] = max(self.maxima.get(exercise["id"], 0.0), exercise["max_score"])
            stats = self.exercises.setdefault(exercise["id"], ExerciseStats())
            stats.max_score = max(stats.max_score, exercise["max_score"])
            stats.scores.append(exercise["score"])
            if _attempted(exercise):
                stats.attempted.append(exercise["score"])
                patterns: dict[str, str] = {}  # a student counts once per reason
                for check in exercise["checks"]:  # a hidden check's message describes its inputs: left out
                    if check["status"] not in ("passed", "skipped") and not check.get("hidden"):
                        patterns.setdefault(reason_pattern(check["message"], private), check["message"])
                for pattern, message in patterns.items():
                    reason = stats.reasons.setdefault(pattern, Reason())
                    reason.students += 1
                    reason.numbers.append(_numbers(message, private))
            else:
                not_attempted += 1
            runs: dict[str, set[str]] = {}
            for check in exercise["checks"]:
                if check["status"] != "skipped":
                    runs.setdefault(check["name"].split("[", 1)[0], set()).add(check["status"])
                if check.get("hidden"):
                    self.hidden_checks.add((exercise["id"], check["name"].split("[", 1)[0]))
            for check, statuses in runs.items():
                counts = self.checks.setdefault((exercise["id"], check), [0, 0])
                counts[0] += statuses == {"passed"}
                counts[1] += 1
        self.rows.append(row)
        self.students.append({"student": row["Student"], "login": login, "section": row["Section"],
                              "score": report["score"], "max_score": report["max_score"],
                              "not_attempted": not_attempted, "exercises": len(report["exercises"]),
                              "seconds": report.get("seconds")})

    def roster_problems(self) -> list[Problem]:
        """The roster's students that no folder matched."""
        if self.options.roster is None:
            return []
        return [Problem(student.key, "no_folder") for key, student in sorted(self.options.roster.items())
                if key not in self.matched]

    def hardest(self) -> list[tuple[str, ExerciseStats]]:
        """The exercises someone attempted, lowest pass rate among those who did first."""
        tried = [(name, stats) for name, stats in self.exercises.items() if stats.attempted_fraction is not None]
        return sorted(tried, key=lambda item: (item[1].attempted_fraction, item[0]))

    def untried(self) -> list[str]:
        """The exercises nobody attempted, in the order they were graded."""
        return [name for name, stats in self.exercises.items() if stats.attempted_fraction is None]

    def distribution(self) -> list[int]:
        """How many students scored in each tenth of the points (the last bar includes full marks)."""
        bars = [0] * BINS
        for score, max_score in self.totals:
            fraction = score / max_score if max_score else 0.0
            bars[min(int(fraction * BINS), BINS - 1)] += 1
        return bars

    def check_rates(self, hidden: bool = True) -> list[tuple[str, str, float, int]]:
        """(exercise, check, pass rate, students run), lowest rate first; `hidden` False leaves hidden checks out."""
        rates = [(e, c, passed / run, run) for (e, c), (passed, run) in self.checks.items()
                 if run and (hidden or (e, c) not in self.hidden_checks)]
        return sorted(rates, key=lambda r: (r[2], r[0], r[1]))


def write_class_report(students: list[Path], out: Path | None, json_path: Path | None, extra: dict,
                       options: Options | None = None, warnings: list[str] = (),
                       whole_roster: bool = True) -> Summary:
    """Write the gradebooks and the summaries into `out` (and every report into `json_path`).

    `whole_roster`: these are all the class's students, so a roster student without one is a
    problem (not so for one shard). `warnings` head every summary (a partial merge, say)."""
    stats = ClassStats(options or Options())
    environment = None
    json_parts = []
    for path in students:
        report = json.loads(path.read_text())
        stats.add(report)
        environment = environment or report.get("environment")
        if json_path is not None:
            json_parts.append(json.dumps({k: v for k, v in report.items() if k != "environment"}, indent=2))
    if whole_roster:
        stats.problems += stats.roster_problems()
    if json_path is not None:
        problems = [{"student": p.student, "problem": p.kind, "detail": p.detail} for p in stats.problems]
        head = json.dumps({**extra, "warnings": list(warnings), "problems": problems, "environment": environment},
                          indent=2)[:-2]
        write_atomically(json_path, head + ',\n  "submissions": [\n' + ",\n".join(json_parts) + "\n  ]\n}\n")
    if out is not None:
        bom = "\ufeff" if stats.options.bom else ""
        write_atomically(out / "gradebook.csv", bom + gradebook_csv(stats))
        write_atomically(out / "gradebook-moodle.csv", bom + moodle_csv(stats))
        write_atomically(out / "summary.md", summary_markdown(stats, warnings))
        write_atomically(out / "summary.html", summary_html(stats, warnings))
    lines = [*warnings, headline(stats)] + attention_lines(stats.problems)
    return Summary("\n".join(lines), stats.problems)


def attention_lines(problems: list[Problem]) -> list[str]:
    """The console's list of who needs attention, by kind."""
    if not problems:
        return []
    students = len({p.student for p in problems})
    lines = [str(_n("{n} student needs attention:", "{n} students need attention:", students, n=students))]
    for kind, text in PROBLEM_KINDS.items():
        found = [p for p in problems if p.kind == kind]
        if found:
            lines.append(f"  {text} ({len(found)}): " + ", ".join(
                f"{p.student} ({p.detail})" if p.detail else p.student for p in found))
    return lines


def incomplete_line(missing: list[str]) -> str:
    """The console's line on the students a --class run could not finish grading."""
    names = ", ".join(missing[:5]) + (", ..." if len(missing) > 5 else "")
    return str(_n("grader: {n} student has no complete grade ({names}); rerun to grade them again",
                  "grader: {n} students have no complete grade ({names}); rerun to grade them again",
                  len(missing), n=len(missing), names=names))


def headline(stats: ClassStats) -> str:
    if not stats.totals:
        return "no students graded"
    fractions = [s / m if m else 0.0 for s, m in stats.totals]
    text = str(_n("{n} student: mean {mean}, median {median} of the points",
                  "{n} students: mean {mean}, median {median} of the points", len(stats.totals),
                  n=len(stats.totals), mean=f"{statistics.fmean(fractions):.0%}",
                  median=f"{statistics.median(fractions):.0%}"))
    hardest = stats.hardest()
    if hardest and hardest[0][1].attempted_fraction < 1:
        name, first = hardest[0]
        text += (f"; hardest exercise {name} ({first.attempted_fraction:.0%} of its points among the "
                 f"{len(first.attempted)} who attempted it)")
    return text


# Gradebooks ------------------------------------------------------------------------------------

def grade_columns(stats: ClassStats) -> dict[str, list[str]]:
    """Each gradebook column's name and the exercises it adds up, at the chosen granularity."""
    name = stats.options.assignment
    if stats.options.columns == "total":
        return {name: list(stats.maxima)}
    columns: dict[str, list[str]] = {}
    for exercise in stats.maxima:
        key = exercise.split(".", 1)[0] if stats.options.columns == "topic" else exercise
        columns.setdefault(f"{name}: {key}", []).append(exercise)
    return columns


def _points(value: float) -> str:
    return f"{round(value, 4):g}"


def gradebook_csv(stats: ClassStats) -> str:
    """Canvas's gradebook import layout, with its `Points Possible` row."""
    columns = grade_columns(stats)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*CANVAS_COLUMNS, *columns])
    writer.writerow([POINTS_POSSIBLE, "", "", "", "",
                     *(_points(sum(stats.maxima[e] for e in exercises)) for exercises in columns.values())])
    for row in stats.rows:
        writer.writerow([row[c] for c in CANVAS_COLUMNS] + [
            _points(sum(row.get(e, 0.0) for e in exercises)) for exercises in columns.values()])
    return buffer.getvalue()


def moodle_csv(stats: ClassStats) -> str:
    """Moodle's CSV grade import: a username, an ID number, a full name, then each column in percent."""
    columns = grade_columns(stats)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*MOODLE_COLUMNS, *(f"{name} (%)" for name in columns)])
    for row in stats.rows:
        percents = []
        for exercises in columns.values():
            possible = sum(stats.maxima[e] for e in exercises)
            percents.append(_points(100 * sum(row.get(e, 0.0) for e in exercises) / possible if possible else 0.0))
        writer.writerow([row["SIS Login ID"], row["SIS User ID"], row["Student"], *percents])
    return buffer.getvalue()


# summary.md: safe to publish ---------------------------------------------------------------------

def _percent(fraction: float) -> str:
    return f"{fraction:.0%}"


def summary_markdown(stats: ClassStats, warnings: list[str] = ()) -> str:
    """The class at a glance, for a CI step summary: no student's name or path, no hidden check."""
    lines = ["# torchlings: class summary", ""] + [f"**{_md(w)}**\n" for w in warnings] + [headline(stats) + ".", ""]
    if stats.problems:
        lines += ["## Students who need attention", "",
                  "Counts only: the names are in `summary.html` and the `--class` run's output.", "",
                  "| problem | students |", "| --- | --- |"]
        for kind, text in PROBLEM_KINDS.items():
            count = len({p.student for p in stats.problems if p.kind == kind})
            if count:
                lines.append(f"| {text} | {count} |")
        lines.append("")
    lines += ["## Score distribution", "", "| share of the points | students |", "| --- | --- |"]
    for index, count in enumerate(stats.distribution()):
        high = "100%]" if index == BINS - 1 else f"{(index + 1) * 100 // BINS}%)"
        lines.append(f"| [{index * 100 // BINS}%, {high} | {count} {'█' * count if count <= 50 else ''} |")
    lines += ["", "## Exercises attempted, hardest first", "",
              "Pass rates among the students who attempted the exercise; the others are counted as not attempted.", "",
              "| exercise | mean among those who tried | full marks | not attempted | most frequent reason |",
              "| --- | --- | --- | --- | --- |"]
    for name, exercise in stats.hardest():
        full = sum(score >= exercise.max_score for score in exercise.attempted)
        reason = exercise.top_reasons(1)
        why = f"{_md(reason[0][0])} ({reason[0][1]})" if reason else ""
        lines.append(f"| `{name}` | {_percent(exercise.attempted_fraction)} | {full} / {len(exercise.attempted)} "
                     f"| {len(exercise.scores) - len(exercise.attempted)} | {why} |")
    untried = stats.untried()
    if untried:
        lines += ["", f"**Not attempted by anyone** ({len(untried)}): " + ", ".join(f"`{n}`" for n in untried)]
    lines += ["", "## Public checks, lowest pass rate first", "", "| exercise | check | passed |", "| --- | --- | --- |"]
    for exercise, check, rate, run in stats.check_rates(hidden=False):
        lines.append(f"| `{exercise}` | `{check}` | {_percent(rate)} of {run} |")
    lines += ["", "## Most frequent reasons for lost points (among those who attempted)", ""]
    for name, exercise in stats.hardest():
        reasons = exercise.top_reasons()
        if reasons:
            lines.append(f"- `{name}`")
            lines += [f"  - {count} × {_md(reason)}" for reason, count in reasons]
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


# summary.html: the instructor's page ----------------------------------------------------------------

_STYLE = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 70em; color: #222; }
table { border-collapse: collapse; margin: 1em 0; } td, th { padding: .25em .7em; border-bottom: 1px solid #ddd;
text-align: left; vertical-align: top; } td.n { text-align: right; } code { font-size: 90%; }
.hard { color: #b00; } svg text { font-size: 11px; } summary { cursor: pointer; font-weight: 600; }
details > summary h2 { display: inline; } details { margin: 1em 0; }
"""


def _histogram_svg(bars: list[int]) -> str:
    width, height, pad = 520, 200, 36
    bar_width = (width - 2 * pad) / len(bars)
    top = max(bars) or 1
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height + 2 * pad + 14}" role="img" '
             f'aria-label="score distribution">']
    for index, count in enumerate(bars):
        h = height * count / top
        x = pad + index * bar_width
        parts.append(f'<rect x="{x + 2:.1f}" y="{pad + height - h:.1f}" width="{bar_width - 4:.1f}" height="{h:.1f}" '
                     f'fill="#4a7bd0"><title>{count} students</title></rect>')
        parts.append(f'<text x="{x + bar_width / 2:.1f}" y="{pad + height - h - 4:.1f}" text-anchor="middle">{count}</text>')
        parts.append(f'<text x="{x + bar_width / 2:.1f}" y="{pad + height + 14:.1f}" text-anchor="middle">'
                     f'{index * 100 // len(bars)}%</text>')
    parts.append(f'<line x1="{pad}" y1="{pad + height}" x2="{width - pad}" y2="{pad + height}" stroke="#888"/>')
    parts.append(f'<text x="{width / 2:.1f}" y="{pad + height + 32:.1f}" text-anchor="middle">share of the points</text>')
    parts.append(f'<text x="12" y="{pad + height / 2:.1f}" text-anchor="middle" '
                 f'transform="rotate(-90 12 {pad + height / 2:.1f})">students</text></svg>')
    return "".join(parts)


def _rate_svg(fraction: float, width: int = 160) -> str:
    color = "#3a9a5b" if fraction >= 0.8 else "#d9a520" if fraction >= 0.5 else "#c8463d"
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width + 40}" height="14">'
            f'<rect width="{width}" height="12" fill="#eee"/><rect width="{width * fraction:.1f}" height="12" '
            f'fill="{color}"/><text x="{width + 4}" y="11">{fraction:.0%}</text></svg>')


def _section(title: str, content: str, open_: bool = True) -> str:
    return f"<details{' open' if open_ else ''}><summary><h2>{html.escape(title)}</h2></summary>{content}</details>"


def summary_html(stats: ClassStats, warnings: list[str] = ()) -> str:
    e = html.escape
    body = ["<h1>torchlings: class summary</h1>"] + [f'<p class="hard"><strong>{e(w)}</strong></p>' for w in warnings]
    body.append(f"<p>{e(headline(stats))}.</p>")
    if stats.problems:
        items = []
        for kind, text in PROBLEM_KINDS.items():
            found = [p for p in stats.problems if p.kind == kind]
            if found:
                items.append(f"<li><strong>{e(text)}</strong> ({len(found)}): " + ", ".join(
                    f"{e(p.student)} ({e(p.detail)})" if p.detail else e(p.student) for p in found) + "</li>")
        body.append(_section(f"Students who need attention ({len({p.student for p in stats.problems})})",
                             f'<ul class="hard">{"".join(items)}</ul>'))
    body.append(_section("Score distribution", _histogram_svg(stats.distribution())))
    rows = []
    for student in sorted(stats.students, key=lambda s: (s["score"] / s["max_score"] if s["max_score"] else 0,
                                                         s["student"])):
        fraction = student["score"] / student["max_score"] if student["max_score"] else 0.0
        rows.append(f"<tr><td>{e(student['student'])}</td><td>{e(student['login'])}</td><td>{e(student['section'])}"
                    f"</td><td class=n>{_points(student['score'])} / {_points(student['max_score'])}</td>"
                    f"<td>{_rate_svg(fraction, 100)}</td><td class=n>{student['not_attempted']} of "
                    f"{student['exercises']}</td></tr>")
    body.append(_section("Students, lowest score first", "<table><tr><th>student</th><th>login</th><th>section</th>"
                         "<th>score</th><th></th><th>exercises not attempted</th></tr>" + "".join(rows) + "</table>"))
    table = ["<p>Pass rates among the students who attempted each exercise.</p><table><tr><th>exercise</th>"
             "<th>mean among those who tried</th><th>tried</th><th>most frequent reasons for lost points (students)"
             "</th></tr>"]
    for name, exercise in stats.hardest():
        reasons = "".join(f"<li>{count} × {e(reason)}</li>" for reason, count in exercise.top_reasons())
        table.append(f"<tr><td><code>{e(name)}</code></td><td>{_rate_svg(exercise.attempted_fraction)}</td>"
                     f"<td class=n>{len(exercise.attempted)} of {len(exercise.scores)}</td><td><ul>{reasons}</ul></td></tr>")
    table.append("</table>")
    untried = stats.untried()
    if untried:
        table.append(f"<p><strong>Not attempted by anyone</strong> ({len(untried)}): "
                     + ", ".join(f"<code>{e(n)}</code>" for n in untried) + "</p>")
    body.append(_section("Exercises attempted, hardest first", "".join(table)))
    checks = ["<table><tr><th>exercise</th><th>check</th><th>students who passed it</th></tr>"]
    for exercise, check, rate, run in stats.check_rates():
        hidden = " (hidden)" if (exercise, check) in stats.hidden_checks else ""
        checks.append(f"<tr><td><code>{e(exercise)}</code></td><td><code>{e(check)}</code>{hidden}</td>"
                      f"<td>{_rate_svg(rate)} of {run}</td></tr>")
    checks.append("</table>")
    body.append(_section("Checks, lowest pass rate first", "".join(checks), open_=False))
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>torchlings: class summary</title>'
            f"<style>{_STYLE}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n")
