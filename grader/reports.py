"""The grade, written for people (a table) and for programs (JSON, Gradescope's results.json)."""

from __future__ import annotations

import json
import os
import platform
import tempfile
from pathlib import Path

from grader.scoring import ExerciseScore


def environment() -> dict:
    """Versions and settings a grade depends on."""
    import torch

    from grader.pool import protection
    from grader.worker import DETERMINISM

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
    }


def to_json(exercises: list[ExerciseScore], env: dict, extra: dict | None = None) -> dict:
    """The grader's own report (a contract: see README)."""
    return {
        "score": _total(exercises, "score"),
        "max_score": _total(exercises, "max_score"),
        "exercises": [
            {
                "id": result.exercise,
                "score": result.score,
                "max_score": result.max_score,
                "checks": [
                    {"name": c.name, "device": c.device, "status": c.status, "message": c.message}
                    for c in result.checks
                ],
            }
            for result in exercises
        ],
        "environment": env,
        **(extra or {}),
    }


def to_gradescope(exercises: list[ExerciseScore], execution_time: float) -> dict:
    """Gradescope's autograder results.json: one test per exercise."""
    return {
        "score": _total(exercises, "score"),
        "execution_time": round(execution_time, 3),
        "output": f"torchlings: {_total(exercises, 'score'):g} / {_total(exercises, 'max_score'):g} points",
        "stdout_visibility": "hidden",
        "tests": [
            {
                "name": result.exercise,
                "score": result.score,
                "max_score": result.max_score,
                "status": "passed" if result.status == "passed" else "failed",
                "output": _check_lines(result),
                "visibility": "visible",
            }
            for result in exercises
        ],
    }


def _check_lines(result: ExerciseScore) -> str:
    lines = []
    for check in result.checks:
        device = f" [{check.device}]" if check.device else ""
        line = f"{check.status.upper()}: {check.name}{device}"
        if check.message and check.status != "passed":
            line += "\n  " + check.message.replace("\n", "\n  ")
        lines.append(line)
    return "\n".join(lines)


def table(exercises: list[ExerciseScore], title: str) -> str:
    """The table a student reads: each topic, each exercise, and why points were lost."""
    lines = [title, ""]
    topics: dict[str, list[ExerciseScore]] = {}
    for result in exercises:
        topics.setdefault(result.topic, []).append(result)
    width = max((len(r.exercise) for r in exercises), default=10) + 2
    for topic, results in topics.items():
        lines.append(f"{topic}  {_points(results)}")
        for result in results:
            symbol = result.exercise.split(".", 1)[1]
            lines.append(f"  {symbol:<{width}}{result.score:>6g} / {result.max_score:<4g} {result.status}")
            reason = result.reason.splitlines()
            if reason:
                lines.append(f"      why: {reason[0]}")
                lines += [f"      {line.strip()}" for line in reason[1:] if line.strip().startswith("hint:")]
        lines.append("")
    lines.append(f"Total  {_points(exercises)}")
    return "\n".join(lines)


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
        with os.fdopen(fd, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_json(path, data: dict) -> None:
    write_atomically(path, json.dumps(data, indent=2) + "\n")
