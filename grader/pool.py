"""The trusted side of the workers: start them, ask them, and stop the ones that misbehave.

Workers are forked from a multiprocessing fork server that has imported torch once, so a
new worker (one per topic file, and a fresh one after every fault) starts in milliseconds.
"""

from __future__ import annotations

import contextlib
import ctypes
import inspect
import io
import multiprocessing
import multiprocessing.forkserver
import os
import signal
import tempfile
from dataclasses import dataclass
from pathlib import Path

from grader.hints import hint_for
from grader.i18n import Message, _

_context = multiprocessing.get_context("forkserver")
_context.set_forkserver_preload(["grader.worker_preload"])

STARTUP_TIMEOUT = 300.0  # seconds for the fork server to import torch on a loaded machine
PR_SET_CHILD_SUBREAPER = 36  # from <linux/prctl.h>


@dataclass(frozen=True)
class Limits:
    """What one probe may take before it is stopped."""

    timeout: float = 10.0  # seconds per probe
    memory: int = 4 << 30  # bytes the topic code may allocate
    reply: int = 256 << 20  # bytes a reply may take


class Fault(Exception):
    """A probe gave no value; `status` is how the check ends: "error", "timeout" or "failed"."""

    def __init__(self, status: str, message):
        super().__init__(message)
        self.status = status
        self.message = message


def warm_up() -> None:
    """Start the fork server now, so that it imports torch while this process does too.

    This process also becomes a child subreaper: whatever a worker starts and abandons
    (a daemon, a double fork) is re-parented here, so that `stop_abandoned` finds it.
    """
    _become_subreaper()
    multiprocessing.forkserver.ensure_running()


def _become_subreaper() -> None:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    except (OSError, AttributeError):
        pass  # not Linux: abandoned processes go to init, as usual


def stop_abandoned() -> None:
    """Kill what workers left behind: processes re-parented here that live in another session.

    Every worker runs in a session of its own, so whatever it starts does too; the fork
    server and multiprocessing's resource tracker share this process's session and stay.
    """
    me, session = os.getpid(), os.getsid(0)
    for _ in range(10):  # a killed process's own children are re-parented here in turn
        abandoned = [pid for pid, sid in _children(me) if sid != session]
        if not abandoned:
            return
        for pid in abandoned:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        for pid in abandoned:
            with contextlib.suppress(ChildProcessError, OSError):
                os.waitpid(pid, 0)


def _children(parent: int) -> list[tuple[int, int]]:
    """(pid, session id) of every child of `parent`."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == parent:
                found.append((int(entry.name), int(fields[3])))
    return found


class Worker:
    """One worker process serving one topic file."""

    def __init__(self, directory: Path, topic: str, limits: Limits, log_dir: Path):
        self.topic = topic
        self.limits = limits
        self.log_path = log_dir / f"{topic}-{os.urandom(4).hex()}.log"
        from grader import worker as worker_module  # imports torch: not before the fork server starts

        self._conn, child_conn = _context.Pipe(duplex=True)
        settings = worker_module.WorkerSettings(memory_limit=limits.memory, log_path=str(self.log_path))
        self._process = _context.Process(
            target=worker_module.serve,
            args=(child_conn, str(directory), topic, settings),
            name=f"torchlings-{topic}",
            daemon=True,
        )
        self._process.start()
        child_conn.close()
        self._ready = False

    def send(self, request: dict) -> None:
        if not self._ready:
            self._receive(STARTUP_TIMEOUT)
            self._ready = True
        try:
            self._conn.send(request)
        except OSError:
            raise self._died() from None

    def receive(self) -> dict:
        return self._receive(self.limits.timeout)

    def ask(self, request: dict) -> dict:
        self.send(request)
        return self.receive()

    def stop(self) -> None:
        """Kill the worker and everything in its process group, and wait for it."""
        pid = self._process.pid
        if pid is not None:
            try:
                os.killpg(pid, signal.SIGKILL)  # the worker leads its own group once it has started
            except OSError:
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
        self._process.join(5)
        self._conn.close()
        self.log_path.unlink(missing_ok=True)

    def _receive(self, timeout: float) -> dict:
        try:
            if not self._conn.poll(timeout):
                self.stop()
                raise Fault(
                    "timeout",
                    _("it did not finish within {seconds:g} s and was stopped (an endless loop, "
                      "or far too much work?)", seconds=timeout),
                )
            data = self._conn.recv_bytes(self.limits.reply)
        except (EOFError, OSError):
            raise self._died() from None
        import torch

        try:
            reply = torch.load(io.BytesIO(data), weights_only=True)
        except Exception as exc:  # noqa: BLE001 - whatever was sent, it is not a reply
            self.stop()
            raise Fault("error", _("the worker sent back something unreadable ({error})", error=type(exc).__name__)) from None
        if not isinstance(reply, dict):
            self.stop()
            raise Fault("error", _("the worker sent back something unreadable"))
        return reply

    def _died(self) -> Fault:
        self._process.join(5)
        code = self._process.exitcode
        log_tail = _tail(self.log_path)
        self.stop()
        if code is not None and code < 0:
            name = signal.Signals(-code).name
            what = {
                "SIGSEGV": _("it crashed with a segmentation fault (SIGSEGV)"),
                "SIGKILL": _("it was killed (SIGKILL), most likely for using too much memory"),
                "SIGABRT": _("it aborted (SIGABRT)"),
            }.get(name, _("it was stopped by the signal {signal}", signal=name))
        elif code is not None:
            what = _("the process exited with status {status} (os._exit or an exit from native code)", status=code)
        else:
            what = _("the process stopped answering")
        if log_tail:
            what = _("{what}; its last words: {output}", what=what, output=log_tail)
        return Fault("error", what)


def _tail(path: Path, lines: int = 3) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return ""
    return " | ".join(text.strip().splitlines()[-lines:])[-500:]


class TopicRunner:
    """Runs probes on one topic file of one directory, restarting its worker after a fault."""

    def __init__(self, directory: Path, topic: str, limits: Limits, log_dir: Path):
        self.directory = directory
        self.topic = topic
        self.limits = limits
        self.log_dir = log_dir
        self.path = directory / f"{topic}.py"
        self._worker: Worker | None = None
        self._load_fault: Fault | None = None
        self._worker_loaded = False

    def start(self) -> None:
        """Fork the worker and have it import the topic file, without waiting for either."""
        if self._worker is None and self._load_fault is None and self.path.is_file():
            self._worker = Worker(self.directory, self.topic, self.limits, self.log_dir)
            self._worker_loaded = False

    def submit(self, probe, args: tuple) -> None:
        """Send a probe to the worker; `result()` collects its answer."""
        self._ensure_loaded()
        request = {"kind": "probe", "file": _source_of(probe), "name": probe.__name__, "args": args}
        try:
            self._worker.send(request)
        except Fault:
            self._worker = None
            raise

    def result(self):
        reply = self._checked(self._worker.receive)
        if not reply.get("ok"):
            raise Fault("error", format_error(reply.get("error"), reply.get("output")))
        return reply.get("value")

    def run(self, probe, *args):
        self.submit(probe, args)
        return self.result()

    def stop(self) -> None:
        if self._worker is not None:
            self._worker.stop()
            self._worker = None

    def _ensure_loaded(self) -> None:
        if self._load_fault is not None:
            raise self._load_fault
        if not self.path.is_file():
            self._load_fault = Fault("failed", _("not submitted: there is no {file} in {directory}",
                                                 file=f"{self.topic}.py", directory=str(self.directory)))
            raise self._load_fault
        if self._worker is not None and self._worker_loaded:
            return
        self.start()
        try:
            reply = self._checked(lambda: self._worker.ask({"kind": "load"}))
        except Fault as fault:
            self._load_fault = Fault(fault.status, _("importing {file} failed: {error}", file=f"{self.topic}.py",
                                                     error=fault.message))
            raise self._load_fault from None
        if not reply.get("ok"):
            message = format_error(reply.get("error"), reply.get("output"))
            self._load_fault = Fault("error", _("importing {file} failed: {error}", file=f"{self.topic}.py", error=message))
            self.stop()
            raise self._load_fault
        self._worker_loaded = True

    def _checked(self, call):
        try:
            return call()
        except Fault:
            self._worker = None  # it was stopped; the next probe gets a fresh one
            raise


def _source_of(probe) -> str:
    return str(Path(inspect.getsourcefile(probe)).resolve())


def format_error(error, output) -> Message:
    """One readable paragraph from the error a worker described: the error, then indented lines
    (four spaces: the submission's own frames; two: a hint, what the code printed)."""
    if not isinstance(error, dict):
        return _("it failed without saying why")
    kind = str(error.get("type", "Exception"))
    message = str(error.get("message", ""))
    if kind == "NotImplementedError":
        text = _("not implemented yet: {task}", task=message) if message else _("not implemented yet")
    else:
        text = Message("{kind}: {message}", {"kind": kind, "message": message}) if message else kind
    frames = [str(f) for f in error.get("frames", []) if isinstance(f, str)]
    if frames:
        text = Message("{text}\n    {frames}", {"text": text, "frames": "\n    ".join(frames)})
    hint = hint_for(kind, message)
    if hint:
        text = Message("{text}\n  {hint}", {"text": text, "hint": _("hint: {hint}", hint=hint)})
    if isinstance(output, str) and output.strip():
        text = Message("{text}\n  {printed}", {"text": text, "printed": _("your code printed: {output}",
                                                                          output=output.strip()[-300:])})
    return text


def new_log_dir() -> Path:
    return Path(tempfile.mkdtemp(prefix="torchlings-"))
