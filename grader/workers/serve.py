"""The worker: the only process where a topic module (a student's or the reference) runs.

A worker serves one topic file of one directory. The trusted process sends it requests
(`load`, then `probe`s); it answers each with plain data and tensors encoded by
`grader.workers.replies` (JSON and raw tensor bytes), which the trusted process decodes within a
budget. Nothing the worker sends is ever unpickled.
"""

from __future__ import annotations

import contextlib
import faulthandler
import functools
import importlib.machinery
import importlib.util
import io
import linecache
import marshal
import os
import signal
import sys
import traceback
import types
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

try:
    import resource
except ImportError:  # Windows: no rlimits, so no memory limit there (README, "Where it runs")
    resource = None
import torch

from grader.checks import probing
from grader.course.hints import BREAKPOINT
from grader.workers import replies

# The settings every worker applies before running a probe, recorded in every report.

from grader.workers import sandbox
DETERMINISM = {
    "torch.backends.cuda.matmul.allow_tf32": False,
    "torch.backends.cudnn.allow_tf32": False,
    "torch.backends.cudnn.benchmark": False,
    "torch.backends.cudnn.deterministic": True,
    "torch.use_deterministic_algorithms": "True (warn_only) when CUDA is available",
    "CUBLAS_WORKSPACE_CONFIG": ":4096:8",
    "torch.set_num_threads": 1,
}

MAX_ITEMS = 10_000  # most entries in one container of a probe's result
MAX_DEPTH = 32


@dataclass(frozen=True)
class WorkerSettings:
    """What a worker needs to know besides its topic file."""

    memory_limit: int  # bytes of data segment the topic code may add; 0 for no limit
    log_path: str  # where the process's own stdout and stderr go
    private_dir: str = ""  # the only directory it may write: its TMPDIR and HOME
    protection: sandbox.Protection | None = None  # what to confine it with; None: not at all


# The signal on which a worker writes every thread's stack to its log (where it is stuck).
STACK_SIGNAL = getattr(signal, "SIGUSR1", None)  # None on Windows: a stuck worker is not located there


def configure_torch() -> None:
    """Apply DETERMINISM in this process.

    Deterministic algorithms only matter on CUDA, and switching them on costs a second (it
    imports torch's compiler settings), so CPU-only machines skip it. Checking for CUDA
    does not initialize it, so forked workers can still use it.
    """
    os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cudnn.benchmark = False
    torch.backends.cudnn.deterministic = True
    torch.set_num_threads(1)
    if torch.cuda.is_available():
        torch.use_deterministic_algorithms(True, warn_only=True)


def serve(conn, directory: str, topic: str, settings: WorkerSettings) -> None:
    """Answer the trusted process's requests until it hangs up or kills us."""
    if hasattr(os, "setsid"):  # not on Windows
        os.setsid()  # our own process group, so that the trusted side can kill all we start
    _isolate_output(settings.log_path)
    if STACK_SIGNAL is not None:
        faulthandler.register(STACK_SIGNAL, file=sys.__stderr__, all_threads=True)
    _limit_memory(settings.memory_limit)
    with contextlib.suppress(OSError):
        Path("/proc/self/oom_score_adj").write_text("1000")  # the kernel's first victim
    if settings.protection is not None:
        os.chdir(settings.private_dir)
        read = [Path(directory)] + ([Path(sys.pycache_prefix)] if sys.pycache_prefix else [])
        applied = sandbox.confine(settings.protection, read=read, write=Path(settings.private_dir),
                                  keep_fds=[conn.fileno()])
        if applied != settings.protection:  # fail closed: never run less confined than reported
            print(f"the sandbox could not be applied here: {applied.note}", file=sys.stderr, flush=True)
            os._exit(70)
    configure_torch()
    sys.breakpointhook = _no_debugger
    server = _Server(Path(directory), topic)
    conn.send_bytes(replies.encode({"ready": True}))
    while True:
        try:
            request = conn.recv()  # from the trusted process
        except (EOFError, OSError):
            os._exit(0)
        conn.send_bytes(encode(server.handle(request)))


def _no_debugger(*args, **kwargs):
    """breakpoint() in a worker: an error that says so (its hint: remove it), not a debugger
    prompt that reads the end of an empty input and fails with an unrelated error."""
    raise RuntimeError(BREAKPOINT)


def encode(reply: dict) -> bytes:
    """The reply's bytes (grader.workers.replies); an error reply where its value cannot be sent."""
    try:
        return replies.encode(reply)
    except Exception as exc:  # noqa: BLE001 - sanitize's values always can: this is a last resort
        message = f"the result could not be sent back: {replies.clip(str(exc))}"
        return replies.encode({"ok": False, "error": {"type": type(exc).__name__, "frames": [], "message": message}})


class _Server:
    def __init__(self, directory: Path, topic: str):
        self.directory = directory
        self.inside = within(directory)  # which frames of a traceback are the student's
        self.topic = topic
        self.module = None
        self.probe_modules: dict[str, object] = {}
        self.probe_code: dict[str, bytes] = {}

    def handle(self, request: dict) -> dict:
        output = io.StringIO()
        try:
            with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
                if request["kind"] == "load" and "cells" in request:
                    self.module = self._load_notebook(request["file"], request["cells"])
                    value = None
                elif request["kind"] == "load":
                    self.module = self._load_topic()
                    value = None
                else:
                    probe = self._probe(request["file"], request.get("code"), request["name"])
                    with probing.secret(request.get("salt", 0)):  # this grading run's, for this probe only
                        value = sanitize(probe(self.module, *request["args"]))
        except BaseException as exc:  # noqa: BLE001 - SystemExit and friends included
            error = describe_exception(exc, self.inside)
            return {"ok": False, "error": error, "output": replies.clip(output.getvalue())}
        return {"ok": True, "value": value, "output": replies.clip(output.getvalue())}

    def _load_topic(self):
        path = self.directory / f"{self.topic}.py"
        self._importable()
        spec = importlib.util.spec_from_file_location(self.topic, path, loader=SourceOnlyLoader(self.topic, str(path)))
        module = importlib.util.module_from_spec(spec)
        sys.modules[self.topic] = module  # whole-model pickles refer to classes by module name
        spec.loader.exec_module(module)
        return module

    def _importable(self) -> None:
        """Let the topic import the submission's other modules, from their source alone: no .pyc
        (in __pycache__ or beside the source), no extension module, whatever the folder holds."""
        if str(self.directory) not in sys.path:
            sys.path.append(str(self.directory))  # after site-packages: it cannot shadow torch
        sys.path_importer_cache[str(self.directory)] = importlib.machinery.FileFinder(
            str(self.directory), (SourceOnlyLoader, importlib.machinery.SOURCE_SUFFIXES))

    def _load_notebook(self, name: str, cells: list):
        """The topic module made of a notebook's code cells (`grader.course.notebooks`, read by the
        trusted side), run in order, each compiled under its own name, `<dir>/layers.ipynb, cell 4`:
        a traceback names the cell and the line in it."""
        self._importable()
        module = types.ModuleType(self.topic)
        module.__file__ = str(self.directory / name)
        sys.modules[self.topic] = module
        compiled = []
        for number, source in cells:
            filename = str(self.directory / f"{name}, cell {number}")
            linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
            compiled.append(compile(source, filename, "exec", dont_inherit=True))
        for code in compiled:
            exec(code, module.__dict__)  # noqa: S102 - the submission's code, in the worker
        return module

    def _probe(self, file: str, code: bytes | None, name: str):
        """The probe `name` of the check file `file`, whose compiled code (`marshal`) the
        trusted side sent with the first probe of that file: the worker cannot read the checks
        (nor the trusted side's copy of them change)."""
        if code is not None:
            self.probe_code[file] = code
        module = self.probe_modules.get(file)
        if module is None:
            code = self.probe_code.get(file)
            if code is None:
                raise RuntimeError(f"the grader sent no code for {Path(file).name}")
            module = type(sys)(f"_probes_{Path(file).stem}")
            module.__file__ = file
            sys.modules[module.__name__] = module
            exec(marshal.loads(code), module.__dict__)  # noqa: S102 - the grader's own checks
            self.probe_modules[file] = module
        return getattr(module, name)


class SourceOnlyLoader(importlib.machinery.SourceFileLoader):
    """Loads a module from its source file, always: the bytecode cache is neither read nor
    written (an unchecked-hash .pyc beside a stub would otherwise run instead of the stub)."""

    def get_code(self, fullname):
        return self.source_to_code(self.get_data(self.path), self.path)


def sanitize(value, depth: int = 0):
    """Turn a probe's result into plain data and tensors, what `grader.workers.replies` sends."""
    if depth > MAX_DEPTH:
        return "<nested too deeply>"
    if isinstance(value, torch.Tensor):
        return value.detach().as_subclass(torch.Tensor).clone()
    if isinstance(value, np.ndarray):
        return torch.from_numpy(np.array(value, copy=True))
    if isinstance(value, (bool, int, float, type(None))):
        return value
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, str):
        return replies.clip(value)
    if isinstance(value, torch.Size):
        return tuple(int(v) for v in value)
    if isinstance(value, (torch.dtype, torch.device)):
        return str(value)
    if isinstance(value, (list, tuple)):
        items = [sanitize(v, depth + 1) for v in list(value)[:MAX_ITEMS]]
        return items if isinstance(value, list) else tuple(items)
    if isinstance(value, dict):
        return {_key(k): sanitize(v, depth + 1) for k, v in list(value.items())[:MAX_ITEMS]}
    return f"<{type(value).__name__} object>"


def _key(key):
    return key if isinstance(key, (str, int, float, bool)) else str(key)


def describe_exception(exc: BaseException, inside: Callable[[str], bool]) -> dict:
    """What a student needs from an exception: its type, message and their own frames, those
    in files for which `inside` (see `within`) holds; no other file's lines are read."""
    students = ((frame, lineno) for frame, lineno in traceback.walk_tb(exc.__traceback__)
                if inside(frame.f_code.co_filename))
    frames = [f'{Path(frame.filename).name}, line {frame.lineno}, in {frame.name}: {(frame.line or "").strip()}'
              for frame in traceback.StackSummary.extract(students)]
    if isinstance(exc, SyntaxError) and exc.filename and inside(exc.filename):
        frames.append(f"{Path(exc.filename).name}, line {exc.lineno}: {(exc.text or '').strip()}")
    if isinstance(exc, SystemExit):
        message = f"the code called sys.exit({exc.code!r})"
    else:
        message = str(exc)
    return {"type": type(exc).__name__, "message": replies.clip(message), "frames": frames[-8:]}


def within(directory: Path) -> Callable[[str], bool]:
    """Whether a file is in `directory`, links resolved; each file name is resolved once."""
    root = directory.resolve()

    @functools.cache
    def inside(filename: str) -> bool:
        try:
            return Path(filename).resolve().is_relative_to(root)
        except (OSError, ValueError):
            return False

    return inside


def _isolate_output(log_path: str) -> None:
    """Send whatever the topic code prints outside a probe to a log, not the grader's terminal."""
    fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(fd)
    fd = os.open(os.devnull, os.O_RDONLY)  # nor read the grader's terminal
    os.dup2(fd, 0)
    os.close(fd)


def _limit_memory(extra_bytes: int) -> None:
    """Cap the data segment at what the worker uses now plus `extra_bytes`."""
    if extra_bytes <= 0 or resource is None or not Path("/proc/self/status").is_file():
        return  # not Linux: no limit (README, "Where it runs")
    status = Path("/proc/self/status").read_text()
    in_use = int(status.split("VmData:")[1].split()[0]) * 1024
    limit = in_use + extra_bytes
    resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
