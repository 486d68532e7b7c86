"""Recorded reference results: what the reference solution gives for every probe the checks ask of it.

The checks compare a submission's probe results with the reference's. Those are computed
once, on the CPU, by running a topic's checks with the reference solution as the
submission, and saved as plain data (`torch.load(weights_only=True)` reads them back):

    {"format": 2, "topic": "layers", "fingerprint": "...", "torch": "2.x",
     "entries": [[probe file stem, probe name, args, value], ...],
     "calls": [[check name, probe file stem, probe name, args], ...]}

`calls` are the probes each check asked of the submission's side, in the order it asked
for them, so that a grading session can send them to a submission's workers ahead of its
checks (grader.verdict.plugin.probe_plans).

In the instructor's repository they are a cache, `.cache/reference/<topic>.pt`, recorded again
whenever the reference, the checks, the probe helpers or torch change. A student release
ships `tests/recorded/<topic>.pt`, recorded from its public checks only, and no solutions.

A probe that must run the reference on something only the submission produced cannot be
recorded: mark it with `@live`; it runs in a reference worker, so only hidden checks (graded
where the solutions are) may use it.

    `python -m grader.verdict.record_reference` records them.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

from grader.course import REPO

CACHE = REPO / ".cache" / "reference"
RELEASED = REPO / "tests" / "recorded"
# The course's secret (see `course_secret`): beside the cache, never in a release or a bundle.
SECRET = CACHE.parent / "secret"
FORMAT = 2
# What a recorded result depends on besides the reference and the check file.
GRADER_INPUTS = ("grader/checks/probing.py", "grader/workers/serve.py", "grader/workers/replies.py", "grader/verdict/recording.py")


class NotRecorded(Exception):
    """The reference's result for a probe is not in the recording."""


def live(probe):
    """Mark `probe` as one that runs the reference on what the submission produced: never recorded."""
    probe.live = True
    return probe


def is_live(probe) -> bool:
    return bool(getattr(probe, "live", False))


def key_of(probe, args: tuple) -> tuple:
    """What identifies a recorded result: the probe's module (its file's stem), its name, its arguments."""
    return (probe.__module__.rpartition(".")[2], probe.__name__, tuple(args))


def fingerprint(topic: str, check_file: Path, reference: Path) -> str:
    """A hash of everything a topic's recorded results depend on."""
    import torch

    digest = hashlib.sha256(f"format {FORMAT}; torch {torch.__version__}; topic {topic}\n".encode())
    for path in (check_file, reference / f"{topic}.py", *(REPO / name for name in GRADER_INPUTS)):
        digest.update(path.name.encode() + b"\0" + (path.read_bytes() if path.is_file() else b"<none>") + b"\0")
    return digest.hexdigest()


class Recording:
    """One topic's recorded results, by `key_of`, and the probes each check asked for, by check name."""

    def __init__(self, data: dict):
        self.topic = data["topic"]
        self.fingerprint = data.get("fingerprint")
        self.torch = data.get("torch")  # the version it was recorded with
        self.values = {(stem, name, tuple(args)): value for stem, name, args, value in data["entries"]}
        self.calls: dict[str, list[tuple]] = {}
        for check, stem, name, args in data.get("calls", ()):
            self.calls.setdefault(check, []).append((stem, name, tuple(args)))

    @classmethod
    def load(cls, path: Path) -> Recording:
        import torch

        try:
            return cls(torch.load(path, weights_only=True))
        except Exception as error:  # noqa: BLE001 - a file that is not a recording
            raise NotRecorded(f"{path} is not a readable recording ({type(error).__name__}: {error})") from None

    def get(self, key: tuple, device: str | None = None):
        """The recorded value for `key`. On another device than the CPU (the run's `device`), the
        result recorded with "cpu" in that argument's place, its tensors moved to `device`."""
        if key in self.values:
            return self.values[key]
        stem, name, args = key
        if device and device != "cpu" and device in args:
            on_cpu = (stem, name, tuple("cpu" if arg == device else arg for arg in args))
            if on_cpu in self.values:
                return to_device(self.values[on_cpu], device)
        raise NotRecorded(f"the reference's result for {name}{args!r} was not recorded")


def to_device(value, device: str):
    """`value` with every tensor in it moved to `device`."""
    import torch

    if isinstance(value, torch.Tensor):
        return value.to(device)
    if isinstance(value, dict):
        return {k: to_device(v, device) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(to_device(v, device) for v in value)
    return value


def save(path: Path, topic: str, fingerprint_: str | None, values: dict, calls: list[tuple] = ()) -> None:
    """Write the recorded `values` (by key) and `calls` ((check, key), in order) atomically, as plain data."""
    import torch

    data = {"format": FORMAT, "topic": topic, "fingerprint": fingerprint_, "torch": str(torch.__version__),
            "entries": [[stem, name, list(args), value] for (stem, name, args), value in values.items()],
            "calls": [[check, stem, name, list(args)] for check, (stem, name, args) in calls]}
    buffer = io.BytesIO()
    torch.save(data, buffer)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    temporary.write_bytes(buffer.getvalue())
    os.replace(temporary, path)


def for_topics(check_files: dict[str, Path], reference: Path) -> dict:
    """Each topic's recording (or the `NotRecorded` that says why there is none): the cache,
    recorded again (all stale topics in one process) where `reference` has the topic; else
    the released recording."""
    found, stale = {}, {}
    for topic, check_file in check_files.items():
        if (reference / f"{topic}.py").is_file():
            cached = CACHE / f"{topic}.pt"
            with contextlib.suppress(NotRecorded):
                recording = Recording.load(cached) if cached.is_file() else None
                if recording and recording.fingerprint == fingerprint(topic, check_file, reference):
                    found[topic] = recording
                    continue
            stale[topic] = check_file
        elif (RELEASED / f"{topic}.pt").is_file():
            found[topic] = _loaded(RELEASED / f"{topic}.pt")
        else:
            found[topic] = NotRecorded(f"no reference results for topic {topic}: neither "
                                       f"{reference / (topic + '.py')} nor {RELEASED / (topic + '.pt')} exists")
    if stale:
        failure = record(list(stale.values()), reference, CACHE)
        for topic in stale:
            found[topic] = NotRecorded(failure) if failure else _loaded(CACHE / f"{topic}.pt")
    return found


def _loaded(path: Path):
    try:
        return Recording.load(path)
    except NotRecorded as error:
        return error


def record(check_files: list[Path], reference: Path, out_dir: Path, fingerprints: bool = True) -> str | None:
    """Record the topics' reference results (`out_dir/<topic>.pt`) in a fresh process, on the CPU;
    return why it failed, or None."""
    env = dict(os.environ, CUDA_VISIBLE_DEVICES="", PYTHONPATH=str(REPO))
    for variable in ("PYTEST_ADDOPTS", "PYTEST_PLUGINS"):
        env.pop(variable, None)
    process = subprocess.run(
        [sys.executable, "-m", "grader.verdict.record_reference", "--reference", str(reference), "--out-dir", str(out_dir),
         *([] if fingerprints else ["--no-fingerprint"]), *map(str, check_files)],
        env=env, capture_output=True, text=True)
    if process.returncode != 0:
        return (f"recording the reference's results failed:\n"
                f"{(process.stdout + process.stderr).strip()[-3000:]}")
    return None


def course_secret(path: Path = SECRET) -> int:
    """The secret the course's grader salts its inputs with (`grader.checks.probing.secret`).

    Drawn once with `os.urandom` and kept in `.cache/secret` (mode 0600; no release and no
    bundle carries it), so that grading the same files twice gives the same inputs, the same
    numbers in the messages and the same report: a resumed class run, merged shards and a
    student's second `make grade` agree. A fresh checkout (a Gradescope container, say) draws
    its own. Where the file cannot be written, the secret holds for this process only.
    """
    with contextlib.suppress(OSError, ValueError):
        return int(path.read_text(encoding="ascii").strip(), 16) or 1
    value = int.from_bytes(os.urandom(8), "big") >> 1 or 1
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f".{path.name}-{os.getpid()}-{os.urandom(4).hex()}")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as stream:
            stream.write(f"{value:x}\n")
        try:
            os.link(draft, path)  # atomic, and never over another process's secret
        except FileExistsError:
            with contextlib.suppress(OSError, ValueError):
                value = int(path.read_text(encoding="ascii").strip(), 16) or value
        finally:
            draft.unlink()
    return value


def autograder_only(topics: list[str]) -> float:
    """Points of hidden checks, absent here, of these topics (a student release lists them)."""
    path = RELEASED / "autograder_only.json"
    if not path.is_file():
        return 0.0
    points = json.loads(path.read_text())
    return round(sum(value for exercise, value in points.items() if exercise.split(".")[0] in topics), 6)
