"""The one rule that turns check outcomes into points.

A check (one test function, for one exercise) is worth the points its marker gives. It may
run several times, once per device or parameter; the runs that were skipped do not count,
and the check earns its points in proportion to the runs that passed. A check whose runs
were all skipped earns nothing. An exercise scores the sum of its checks.

A check of a secondary property ("leaves its input unchanged", "has no parameters") names
the checks of its exercise's main behaviour that it `needs`: it is judged only when one of
them passed at least one run, or failed one with a wrong answer that the check saw try the
task (`attempted`); else its runs that passed count as skipped, with `unmet` as their message
(code that does not do the exercise earns nothing for what it leaves alone; a run that failed
keeps its own message). Needed checks that did not
run at all (left out of this grading) do not hold it back.

Skipped is not earned in silence: the points of a check that passed on the CPU while its run
on another device was skipped (no CUDA on this machine) are counted as `unverified` too.

A check of an exercise that builds on others (chimera runs NestMLP and FixedHiddenMLP) names
the same check of those exercises that it `builds_on`: when one of them failed (and what it
`needs` of its own exercise is met), its own runs that did not pass are `excused` (earned, with `excuse` as their message: "not judged:
FixedHiddenMLP fails first"), so that one mistake is charged once, where it was made.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

STATUSES = ("passed", "failed", "error", "timeout", "skipped", "excused")


@dataclass(frozen=True)
class CheckOutcome:
    """How one run of one check ended."""

    exercise: str  # "<topic>.<symbol>"
    check: str  # the check's name, the same for all its runs
    points: float
    status: str  # one of STATUSES
    device: str | None = None
    message: str = ""
    run: str = ""  # which of the check's parameter sets, when it has several
    hidden: bool = False  # graded only by the course's autograder (not in the student release)
    needs: tuple[str, ...] = ()  # checks of the same exercise, one of which must pass for this one to count
    attempted: bool = False  # a failed run whose wrong answer the check saw tries the task
    builds_on: tuple[str, ...] = ()  # "<symbol>.<check>" of the exercises whose code this check runs too
    excuse: str = ""  # the message of its runs that did not pass when one of those failed
    unmet: str = ""  # the message of its runs when none of them did
    cause: str = ""  # what kind of fault ended it, where the grader knows (grader.workers.pool.CAUSES)
    printed: str = ""  # a passing run's printed output, as note lines ("  | ..."), if it printed anything
    hint: str = ""  # the hint the check gave for the mistake it diagnosed (also in `message`), if any

    @property
    def name(self) -> str:
        return f"{self.check}[{self.run}]" if self.run else self.check


@dataclass
class ExerciseScore:
    exercise: str
    score: float
    max_score: float
    checks: list[CheckOutcome] = field(default_factory=list)
    unverified: float = 0.0  # of `score`, the points of checks whose run on a device was skipped (no CUDA here)

    @property
    def topic(self) -> str:
        return self.exercise.split(".", 1)[0]

    @property
    def status(self) -> str:
        if self.max_score and self.score >= self.max_score:
            return "passed"
        return "partial" if self.score > 0 else "failed"

    @property
    def reason(self) -> str:
        """Why points were lost: the first run that did not pass, or ''."""
        for outcome in self.checks:
            if outcome.status not in ("passed", "skipped", "excused"):
                return outcome.message
        return ""


def unmet(outcome: CheckOutcome, runs: dict[tuple[str, str], list[CheckOutcome]]) -> bool:
    """Whether `outcome`'s check needs checks that ran and none of which passed a run."""
    needed = [runs[outcome.exercise, name] for name in outcome.needs if (outcome.exercise, name) in runs]
    return bool(needed) and not any(run.status in ("passed", "excused") or (run.status == "failed" and run.attempted)
                                    for check_runs in needed for run in check_runs)


def excused(outcome: CheckOutcome, runs: dict[tuple[str, str], list[CheckOutcome]]) -> bool:
    """Whether `outcome`, a run that did not pass, runs the code of another exercise whose same check failed
    (and its own exercise's main behaviour, what it `needs`, is right or tried)."""
    topic = outcome.exercise.partition(".")[0]
    return outcome.status in ("failed", "error", "timeout") and not unmet(outcome, runs) and any(
        run.status in ("failed", "error", "timeout")
        for name in outcome.builds_on for run in runs.get((f"{topic}.{name.partition('.')[0]}", name.partition(".")[2]), ()))


def score(outcomes: list[CheckOutcome]) -> list[ExerciseScore]:
    """Points per exercise, in the order exercises first appear in `outcomes`."""
    exercises: dict[str, ExerciseScore] = {}
    runs: dict[tuple[str, str], list[CheckOutcome]] = {}
    for outcome in outcomes:
        if outcome.status not in STATUSES:
            raise ValueError(f"unknown status {outcome.status!r}")
        runs.setdefault((outcome.exercise, outcome.check), []).append(outcome)
    judged = [replace(outcome, status="skipped", message=outcome.unmet)
              if outcome.status == "passed" and unmet(outcome, runs)
              else replace(outcome, status="excused", message=outcome.excuse) if excused(outcome, runs)
              else outcome for outcome in outcomes]
    runs = {}
    for outcome in judged:
        exercises.setdefault(outcome.exercise, ExerciseScore(outcome.exercise, 0.0, 0.0)).checks.append(outcome)
        runs.setdefault((outcome.exercise, outcome.check), []).append(outcome)
    for (exercise, _), check_runs in runs.items():
        points = check_runs[0].points
        counted = [run for run in check_runs if run.status != "skipped"]
        passed = sum(run.status in ("passed", "excused") for run in counted)
        exercises[exercise].max_score += points
        if counted:
            exercises[exercise].score += points * passed / len(counted)
            if passed and any(run.status == "skipped" and run.device not in (None, "cpu") for run in check_runs):
                exercises[exercise].unverified += points * passed / len(counted)
    for result in exercises.values():
        result.score = round(result.score, 6)
        result.max_score = round(result.max_score, 6)
        result.unverified = round(result.unverified, 6)
    return list(exercises.values())
