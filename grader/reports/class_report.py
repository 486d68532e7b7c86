"""The class report: a gradebook CSV for the course's roster, and a summary for people.

Written from the per-student reports of a `--class` run (or of several, by `merge`):

- `gradebook.csv`: one row per student: `Student` and `SIS Login ID` (both the submission's
  folder name), `Section` (empty), `Total`, then one column per exercise (`<topic>.<Symbol>`),
  in points; UTF-8, a header row, commas. Canvas matches rows by `SIS Login ID` and needs the
  `Section` column; Moodle and Gradescope let the instructor map the `Student` column;
- `summary.md` (for a CI step summary) and `summary.html` (self-contained, its charts inline
  SVG): the score distribution, each exercise's mean and each check's pass rate, hardest
  first, and each exercise's most frequent reasons for lost points, numbers left out of the
  messages so that the same mistake is counted once however its numbers came out.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from grader.reports.student import write_atomically

BINS = 10  # the score distribution's bars, each a tenth of the points
TOP_REASONS = 3
_NUMBER = re.compile(r"(?<![A-Za-z_\d])[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")


def reason_pattern(message: str) -> str:
    """A failure message's first line with every number replaced by '#'."""
    first = message.strip().splitlines()[0] if message.strip() else "(no message)"
    return _NUMBER.sub("#", first)


@dataclass
class ExerciseStats:
    max_score: float = 0.0
    scores: list[float] = field(default_factory=list)
    reasons: Counter = field(default_factory=Counter)  # pattern -> students

    @property
    def mean_fraction(self) -> float:
        return statistics.fmean(self.scores) / self.max_score if self.scores and self.max_score else 1.0


@dataclass
class ClassStats:
    """What the summary shows, gathered one student report at a time."""

    rows: list[dict] = field(default_factory=list)  # the gradebook
    totals: list[tuple[float, float]] = field(default_factory=list)  # (score, max_score) per student
    exercises: dict[str, ExerciseStats] = field(default_factory=dict)
    checks: dict[tuple[str, str], list[int]] = field(default_factory=dict)  # -> [students passed, students run]
    incomplete: list[str] = field(default_factory=list)

    def add(self, report: dict) -> None:
        name = report.get("name", "?")
        row = {"Student": name, "SIS Login ID": name, "Section": "", "Total": report["score"]}
        self.totals.append((report["score"], report["max_score"]))
        if not report.get("complete", True):
            self.incomplete.append(name)
        for exercise in report["exercises"]:
            row[exercise["id"]] = exercise["score"]
            stats = self.exercises.setdefault(exercise["id"], ExerciseStats())
            stats.max_score = max(stats.max_score, exercise["max_score"])
            stats.scores.append(exercise["score"])
            failed = [c for c in exercise["checks"] if c["status"] not in ("passed", "skipped")]
            for pattern in dict.fromkeys(reason_pattern(c["message"]) for c in failed):
                stats.reasons[pattern] += 1
            runs: dict[str, set[str]] = {}
            for check in exercise["checks"]:
                if check["status"] != "skipped":
                    runs.setdefault(check["name"].split("[", 1)[0], set()).add(check["status"])
            for check, statuses in runs.items():
                counts = self.checks.setdefault((exercise["id"], check), [0, 0])
                counts[0] += statuses == {"passed"}
                counts[1] += 1
        self.rows.append(row)

    def hardest(self) -> list[tuple[str, ExerciseStats]]:
        return sorted(self.exercises.items(), key=lambda item: (item[1].mean_fraction, item[0]))

    def distribution(self) -> list[int]:
        """How many students scored in each tenth of the points (the last bar includes full marks)."""
        bars = [0] * BINS
        for score, max_score in self.totals:
            fraction = score / max_score if max_score else 0.0
            bars[min(int(fraction * BINS), BINS - 1)] += 1
        return bars

    def check_rates(self) -> list[tuple[str, str, float, int]]:
        """(exercise, check, pass rate, students run), lowest rate first."""
        rates = [(e, c, passed / run, run) for (e, c), (passed, run) in self.checks.items() if run]
        return sorted(rates, key=lambda r: (r[2], r[0], r[1]))


def write_class_report(students: list[Path], out: Path | None, json_path: Path | None, extra: dict) -> str:
    """Write the gradebook and the summaries into `out` (and every report into `json_path`); return a short summary."""
    stats = ClassStats()
    environment = None
    json_parts = []
    for path in students:
        report = json.loads(path.read_text())
        stats.add(report)
        environment = environment or report.get("environment")
        if json_path is not None:
            json_parts.append(json.dumps({k: v for k, v in report.items() if k != "environment"}, indent=2))
    if json_path is not None:
        head = json.dumps({**extra, "environment": environment}, indent=2)[:-2]
        write_atomically(json_path, head + ',\n  "submissions": [\n' + ",\n".join(json_parts) + "\n  ]\n}\n")
    if out is not None:
        write_atomically(out / "gradebook.csv", gradebook_csv(stats))
        write_atomically(out / "summary.md", summary_markdown(stats))
        write_atomically(out / "summary.html", summary_html(stats))
    return headline(stats)


def headline(stats: ClassStats) -> str:
    if not stats.totals:
        return "no students graded"
    fractions = [s / m if m else 0.0 for s, m in stats.totals]
    text = (f"{len(stats.totals)} students: mean {statistics.fmean(fractions):.0%}, "
            f"median {statistics.median(fractions):.0%} of the points")
    hardest = stats.hardest()
    if hardest and hardest[0][1].mean_fraction < 1:
        text += f"; hardest exercise {hardest[0][0]} (mean {hardest[0][1].mean_fraction:.0%})"
    return text


def gradebook_csv(stats: ClassStats) -> str:
    exercises = list(stats.exercises)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=["Student", "SIS Login ID", "Section", "Total", *exercises], restval=0, lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: (f"{v:g}" if isinstance(v, float) else v) for k, v in row.items()} for row in stats.rows)
    return buffer.getvalue()


def _percent(fraction: float) -> str:
    return f"{fraction:.0%}"


def summary_markdown(stats: ClassStats) -> str:
    lines = ["# torchlings: class summary", "", headline(stats) + ".", ""]
    hardest = stats.hardest()
    if hardest and hardest[0][1].mean_fraction < 1:
        name, first = hardest[0]
        lines += [f"**Hardest exercise:** `{name}` (mean {_percent(first.mean_fraction)} of its points).", ""]
    if stats.incomplete:
        lines += [f"**Incomplete grades** (the grader itself failed): {', '.join(stats.incomplete)}", ""]
    lines += ["## Score distribution", "", "| share of the points | students |", "| --- | --- |"]
    for index, count in enumerate(stats.distribution()):
        high = "100%]" if index == BINS - 1 else f"{(index + 1) * 100 // BINS}%)"
        lines.append(f"| [{index * 100 // BINS}%, {high} | {count} {'█' * count if count <= 50 else ''} |")
    lines += ["", "## Exercises, hardest first", "",
              "| exercise | mean | full marks | most frequent reason for lost points |", "| --- | --- | --- | --- |"]
    for name, exercise in hardest:
        full = sum(score >= exercise.max_score for score in exercise.scores)
        reason = exercise.reasons.most_common(1)
        why = f"{_md(reason[0][0])} ({reason[0][1]})" if reason else ""
        lines.append(f"| `{name}` | {_percent(exercise.mean_fraction)} | {full} / {len(exercise.scores)} | {why} |")
    lines += ["", "## Checks, lowest pass rate first", "", "| exercise | check | passed |", "| --- | --- | --- |"]
    for exercise, check, rate, run in stats.check_rates():
        lines.append(f"| `{exercise}` | `{check}` | {_percent(rate)} of {run} |")
    lines += ["", "## Most frequent reasons for lost points", ""]
    for name, exercise in hardest:
        if exercise.reasons:
            lines.append(f"- `{name}`")
            lines += [f"  - {count} × {_md(reason)}" for reason, count in exercise.reasons.most_common(TOP_REASONS)]
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


# HTML with inline SVG charts -----------------------------------------------------------------

_STYLE = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 70em; color: #222; }
table { border-collapse: collapse; margin: 1em 0; } td, th { padding: .25em .7em; border-bottom: 1px solid #ddd;
text-align: left; vertical-align: top; } code { font-size: 90%; } .hard { color: #b00; } svg text { font-size: 11px; }
"""


def _histogram_svg(bars: list[int]) -> str:
    width, height, pad = 520, 200, 28
    bar_width = (width - 2 * pad) / len(bars)
    top = max(bars) or 1
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height + 2 * pad}" role="img" '
             f'aria-label="score distribution">']
    for index, count in enumerate(bars):
        h = height * count / top
        x = pad + index * bar_width
        parts.append(f'<rect x="{x + 2:.1f}" y="{pad + height - h:.1f}" width="{bar_width - 4:.1f}" height="{h:.1f}" '
                     f'fill="#4a7bd0"><title>{count} students</title></rect>')
        parts.append(f'<text x="{x + bar_width / 2:.1f}" y="{pad + height - h - 4:.1f}" text-anchor="middle">{count}</text>')
        parts.append(f'<text x="{x + bar_width / 2:.1f}" y="{pad + height + 14:.1f}" text-anchor="middle">'
                     f'{index * 100 // len(bars)}%</text>')
    parts.append(f'<line x1="{pad}" y1="{pad + height}" x2="{width - pad}" y2="{pad + height}" stroke="#888"/></svg>')
    return "".join(parts)


def _rate_svg(fraction: float, width: int = 160) -> str:
    color = "#3a9a5b" if fraction >= 0.8 else "#d9a520" if fraction >= 0.5 else "#c8463d"
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width + 40}" height="14">'
            f'<rect width="{width}" height="12" fill="#eee"/><rect width="{width * fraction:.1f}" height="12" '
            f'fill="{color}"/><text x="{width + 4}" y="11">{fraction:.0%}</text></svg>')


def summary_html(stats: ClassStats) -> str:
    e = html.escape
    hardest = stats.hardest()
    body = [f"<h1>torchlings: class summary</h1><p>{e(headline(stats))}.</p>"]
    if hardest and hardest[0][1].mean_fraction < 1:
        body.append(f'<p class="hard"><strong>Hardest exercise:</strong> <code>{e(hardest[0][0])}</code> '
                    f"(mean {_percent(hardest[0][1].mean_fraction)} of its points)</p>")
    if stats.incomplete:
        body.append(f"<p><strong>Incomplete grades</strong> (the grader itself failed): {e(', '.join(stats.incomplete))}</p>")
    body.append("<h2>Score distribution</h2>" + _histogram_svg(stats.distribution()))
    body.append("<h2>Exercises, hardest first</h2><table><tr><th>exercise</th><th>mean score</th>"
                "<th>most frequent reasons for lost points (students)</th></tr>")
    for name, exercise in hardest:
        reasons = "".join(f"<li>{count} × {e(reason)}</li>" for reason, count in exercise.reasons.most_common(TOP_REASONS))
        body.append(f"<tr><td><code>{e(name)}</code></td><td>{_rate_svg(exercise.mean_fraction)}</td>"
                    f"<td><ul>{reasons}</ul></td></tr>")
    body.append("</table><h2>Checks, lowest pass rate first</h2><table><tr><th>exercise</th><th>check</th>"
                "<th>students who passed it</th></tr>")
    for exercise, check, rate, run in stats.check_rates():
        body.append(f"<tr><td><code>{e(exercise)}</code></td><td><code>{e(check)}</code></td>"
                    f"<td>{_rate_svg(rate)} of {run}</td></tr>")
    body.append("</table>")
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>torchlings: class summary</title>'
            f"<style>{_STYLE}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n")
