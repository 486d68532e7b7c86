"""The trusted side of the workers: start them, ask them, and stop the ones that misbehave.

Workers are forked from a multiprocessing fork server that has imported torch once, so a
new worker (one per topic file, and a fresh one after every fault) starts in milliseconds.
"""

from __future__ import annotations

import collections
import contextlib
import ctypes
import dataclasses
import functools
import inspect
import marshal
import multiprocessing
import os
import pickle
import re
import select
import shutil
import signal
import struct
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from grader.checks.hidden import strip_hidden
from grader.workers import sandbox, spawned, submission
from grader.course import notebooks
from grader.course.hints import hint_for
from grader.course.text import printable
from grader.course.i18n import Message, _, _n, translator

PRELOAD = "grader.workers.preload"
GRADER_ROOT = Path(__file__).resolve().parents[2]  # the folder `import grader` finds it in
# How workers start: from the fork server where there is one (Linux, macOS), else (Windows)
# each in a fresh interpreter (`spawn`), which imports torch itself: seconds per worker, not
# milliseconds. TORCHLINGS_START_METHOD=spawn forces that path (the suite tests it on Linux).
START_METHOD_VARIABLE = "TORCHLINGS_START_METHOD"
START_METHODS = ("forkserver", "spawn")


def start_method() -> str:
    """The start method asked for in START_METHOD_VARIABLE, where it is one of START_METHODS that
    this platform has, else the first of them that it has."""
    available = [name for name in START_METHODS if name in multiprocessing.get_all_start_methods()]
    wanted = os.environ.get(START_METHOD_VARIABLE, "")
    return wanted if wanted in available else available[0]


def start_method_problem() -> Message | None:
    """What is wrong with START_METHOD_VARIABLE's value (said once, by `warm_up`), or None."""
    wanted = os.environ.get(START_METHOD_VARIABLE, "")
    if not wanted or wanted == START_METHOD:
        return None
    return _("grader: {variable}={value} is not a way to start workers here; they start with {method}",
             variable=START_METHOD_VARIABLE, value=wanted, method=START_METHOD)


START_METHOD = start_method()
_context = multiprocessing.get_context(START_METHOD)
if START_METHOD == "forkserver":
    _context.set_forkserver_preload([PRELOAD])

STARTUP_TIMEOUT = 300.0  # seconds for the fork server to import torch on a loaded machine
PR_SET_CHILD_SUBREAPER = 36  # from <linux/prctl.h>
MAX_TEXT = 4000  # longest string kept from a reply (grader.workers.replies clips to the same)
STACK_WAIT = 0.2  # seconds a stuck worker may take to write its stack before it is killed
STACK_POLL = 0.005  # seconds between looks at its log meanwhile
MAX_SOURCE = 1 << 20  # bytes of a submission's file read to name a function in it
SWEEP_TIME = 10.0  # seconds `stop_abandoned` may take
GLANCE = 0.5  # seconds between looks at where a probe that keeps the trusted side waiting runs
FIRST_GLANCE = 0.1  # seconds before the first look
CLOCK_POLL = 0.5  # seconds between looks at what a probe's worker is charged for, while it runs
CLOCK_BASELINE = 0.1  # seconds a probe runs before its clock first looks at /proc (most end sooner)
CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100  # /proc's unit of CPU time

# What confines workers here: probed once per process (it does not change while it runs).
protection = functools.cache(sandbox.probe)


@dataclass(frozen=True)
class Limits:
    """What one probe may take before it is stopped."""

    timeout: float = 10.0  # seconds per probe
    memory: int = 4 << 30  # bytes the topic code may allocate
    reply: int = 256 << 20  # bytes a reply may take


class Fault(Exception):
    """A probe gave no value; `status` is how the check ends: "error", "timeout" or "failed".

    `cause`, where the grader knows it, says what kind of fault it was, as plain data the class
    report counts: one of CAUSES ("" when none applies, e.g. a wrong answer's error). `stuck`: for a
    timeout, where the submission's code was running when it was stopped.
    """

    def __init__(self, status: str, message, cause: str = "", stuck: Place | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.cause = cause
        self.stuck = stuck


# A fault's cause: the topic file is missing, its code still raises NotImplementedError, or
# importing it failed (it raised, hung or crashed before any probe ran).
NOT_SUBMITTED, NOT_IMPLEMENTED, IMPORT_FAILED = "not_submitted", "not_implemented", "import_failed"
NOT_RUN = "not_run"  # a probe not sent: the code it calls did not finish in an earlier probe (a timeout)
CAUSES = (NOT_SUBMITTED, NOT_IMPLEMENTED, IMPORT_FAILED, NOT_RUN)


@dataclass(frozen=True)
class Place:
    """A frame of the submission's code: its file, line and function."""

    file: str
    line: int
    function: str

    @property
    def name(self) -> str:
        """"FixedHiddenMLP.forward": the function's name with the classes it is defined in."""
        return qualified_name(self.file, self.line, self.function)

    def text(self) -> Message:
        """"blocks.py, line 75, in FixedHiddenMLP.forward" (or "layers.ipynb, cell 4, line 3, in ..."), in
        the student's language."""
        file, _comma, cell = Path(self.file).name.partition(", cell ")
        if cell.isdigit():
            return _("{file}, cell {cell}, line {line}, in {function}", file=file, cell=int(cell), line=self.line,
                     function=self.name)
        return _("{file}, line {line}, in {function}", file=file, line=self.line, function=self.name)


def qualified_name(file: str, line: int, function: str) -> str:
    """`function`'s name in `file` with the classes around it (`FixedHiddenMLP.forward`), read from
    the file's syntax tree (never run); just `function` where the file cannot say."""
    try:
        stat = os.stat(file)
        return _qualified_names(file, stat.st_size, stat.st_mtime_ns).get((line, function), function)
    except OSError:
        return function


@functools.lru_cache(maxsize=64)
def _qualified_names(file: str, size: int, mtime: int) -> dict[tuple[int, str], str]:
    """(line, function) -> qualified name, for every line of every function of `file` (of a
    submission: size and time of change in the cache key, so that a saved file is read again)."""
    import ast  # only when a submission's code keeps the grader waiting

    source = submission.read_regular(Path(file), MAX_SOURCE)  # the name is the worker's text: no FIFO, no link
    try:
        tree = ast.parse(source if source is not None else b"")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return {}
    names: dict[tuple[int, str], str] = {}

    def visit(node, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                qualified = prefix + child.name
                for number in range(child.lineno, (child.end_lineno or child.lineno) + 1):
                    names[number, child.name] = qualified  # the innermost definition wins: visited last
                visit(child, qualified + ".<locals>.")
            elif isinstance(child, ast.ClassDef):
                visit(child, prefix + child.name + ".")
            else:
                visit(child, prefix)

    visit(tree, "")
    return names


def warm_up(preload: tuple[str, ...] = (), huge_pages: bool = False) -> None:
    """Start the fork server now, so that it imports torch while this process does too.

    It also imports the modules named in `preload` (those it cannot find are skipped), so
    that every worker it forks has them, and with `huge_pages` then moves its memory into
    huge pages (grader.workers.huge_pages): both worth their start-up time only where it will fork
    many workers.

    This process also becomes a child subreaper: whatever a worker starts and abandons
    (a daemon, a double fork) is re-parented here, so that `stop_abandoned` finds it. It
    and the fork server (see worker_preload) are made non-dumpable: no process of their
    uid may ptrace them or open their memory.
    """
    _become_subreaper()
    sandbox.harden_trusted_process()
    problem = start_method_problem()
    if problem is not None:
        print(translator().render(problem), file=sys.stderr)
    if START_METHOD != "forkserver":
        return  # each spawned worker imports what it needs itself (`spawned.serve`)
    if preload or huge_pages:
        _context.set_forkserver_preload([PRELOAD, *preload, *(["grader.workers.huge_pages"] if huge_pages else [])])
    from multiprocessing import forkserver  # only where there is one (not on Windows)

    # PYTHONPATH names the folder `grader` is imported from while the fork server starts: it runs
    # `python -c`, whose sys.path starts with its working directory (multiprocessing does not hand
    # it this process's sys.path), so that from any other folder (pytest run from elsewhere, an
    # IDE) its preload would fail, silently, and the workers would confine themselves before
    # importing what they confine themselves with.
    before = os.environ.get("PYTHONPATH")
    with _environment(PYTHONPATH=os.pathsep.join([str(GRADER_ROOT), *([before] if before else [])])):
        forkserver.ensure_running()


# A spawned worker starts no thread of its own before it confines itself (a mount namespace
# needs a single thread; numpy's OpenBLAS starts its pool on import): probes run on one
# thread anyway (serve.DETERMINISM). A forked worker has one thread whatever the fork server has.
SPAWN_ENVIRONMENT = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


@contextlib.contextmanager
def _environment(**values: str):
    """These environment variables set while a process starts (and inherits them)."""
    before = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def modules_imported_by(directory: Path) -> tuple[str, ...]:
    """The installed packages that the topic files of `directory` import anywhere (at the top
    or inside a function), for `warm_up(preload=...)`; none where it has no topic files."""
    import ast
    import importlib.util

    names, paths = set(), sorted(directory.glob("*.py"))
    for path in paths:
        try:
            tree = ast.parse(path.read_bytes())
        except (OSError, SyntaxError, ValueError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(alias.name.partition(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module.partition(".")[0])
    local = {path.stem for path in paths}
    return tuple(sorted(name for name in names - local if importlib.util.find_spec(name) is not None))


def _become_subreaper() -> None:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    except (OSError, AttributeError, TypeError):
        pass  # not Linux (Windows has no CDLL(None)): abandoned processes go to init, as usual


def stop_abandoned(time_limit: float = SWEEP_TIME) -> None:
    """Kill what workers left behind: every process below this one (re-parented here, or a
    child of the fork server that a `clone(CLONE_PARENT)` made a worker's sibling) that lives in
    a session neither this process's nor a living worker's, and all their descendants, until
    none is left (or `time_limit` has passed).

    Every worker leads a session of its own, so whatever it starts is in that session or in
    a newer one; the fork server and multiprocessing's resource tracker share this process's
    session and stay, and so do the workers still alive (`multiprocessing.active_children`)
    and what is in their sessions. Each round stops every such process first (SIGSTOP), so
    that none can fork meanwhile.
    """
    if not Path("/proc").is_dir():
        return  # not Linux: nothing was re-parented here either
    me, session = os.getpid(), os.getsid(0)
    deadline = time.monotonic() + time_limit
    while time.monotonic() < deadline:
        living = {process.pid for process in multiprocessing.active_children()}  # each its session's leader
        table = _process_table()
        strays = [pid for pid in _descendants([me], table) if table[pid].session not in (session, *living)]
        abandoned = [pid for pid in strays if not table[pid].dead]
        killed = [pid for pid in strays if table[pid].dead and table[pid].parent == me]  # the fork server reaps its own
        if not abandoned and not killed:
            return
        doomed = _descendants(abandoned, table)
        for sig in (signal.SIGSTOP, signal.SIGKILL):
            for pid in doomed:
                with contextlib.suppress(OSError):
                    os.kill(pid, sig)
        for pid in killed + [pid for pid in abandoned if table[pid].parent == me]:
            with contextlib.suppress(ChildProcessError, OSError):
                os.waitpid(pid, 0)


@dataclass(frozen=True)
class _Entry:
    parent: int
    session: int
    dead: bool  # a zombie: killed already, waiting for its parent to reap it


def _process_table() -> dict[int, _Entry]:
    """Every process's parent, session and whether it is a zombie, by pid."""
    table = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            table[int(entry.name)] = _Entry(int(fields[1]), int(fields[3]), fields[0] in ("Z", "X"))
    return table


def _descendants(roots: list[int], table: dict[int, _Entry]) -> list[int]:
    """`roots` and every process below them."""
    children: dict[int, list[int]] = {}
    for pid, entry in table.items():
        children.setdefault(entry.parent, []).append(pid)
    found, todo = {}, list(roots)
    while todo:
        pid = todo.pop()
        if pid not in found:  # (a table read while pids are reused could hold a loop)
            found[pid] = None
            todo += children.get(pid, [])
    return list(found)


class Worker:
    """One worker process serving one topic file.

    Requests are queued (`send`) and answered in order (`receive`), so that several can be
    on their way at once. Nothing here ever blocks on writing to the worker: what its socket
    cannot take now waits in `_outbox` and goes out while this process waits for a reply.
    """

    def __init__(self, directory: Path, topic: str, limits: Limits, log_dir: Path):
        self.topic = topic
        self.limits = limits
        self.log_path = log_dir / f"{topic}-{os.urandom(4).hex()}.log"
        from grader.workers import serve as worker_module  # imports torch: not before the fork server starts

        self.inside = worker_module.within(directory)  # which frames of its stack are the student's
        self.private_dir = Path(tempfile.mkdtemp(prefix="torchlings-worker-"))
        self._conn, child_conn = _context.Pipe(duplex=True)
        settings = worker_module.WorkerSettings(
            memory_limit=limits.memory, log_path=str(self.log_path),
            private_dir=str(self.private_dir), protection=worker_protection(directory))
        self._process = _context.Process(
            target=worker_module.serve if START_METHOD == "forkserver" else spawned.serve,
            args=(child_conn, str(directory), topic, settings),
            name=f"torchlings-{topic}",
            daemon=True,
        )
        with _environment(**(SPAWN_ENVIRONMENT if START_METHOD == "spawn" else {})):
            self._process.start()
        child_conn.close()
        os.set_blocking(self._conn.fileno(), False)
        self._outbox = bytearray()
        self._ready = False
        self.taught: set[str] = set()  # the check files whose code this worker was sent

    def send(self, request: dict) -> None:
        """Queue `request` (framed as multiprocessing's `Connection.recv` reads it)."""
        payload = pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL)
        self._outbox += struct.pack("!i", len(payload)) + payload
        _write_some(self._conn.fileno(), self._outbox)

    def receive(self, glance: Callable[[Place | None, float], Fault | None] | None = None) -> dict:
        """The reply to the oldest request not yet answered (after the worker's greeting).

        With `glance`, while the reply keeps us waiting, every GLANCE seconds: `glance(where the
        submission's code runs now, seconds waited)`; a Fault it returns ends the wait (and the
        worker) at once.
        """
        if not self._ready:
            self._receive(STARTUP_TIMEOUT)
            self._ready = True
        return self._receive(self.limits.timeout, where=True, glance=glance)

    def stop(self) -> None:
        """Kill the worker and everything in its process group, and wait for it."""
        self.kill()
        self.reap()

    def kill(self) -> None:
        """Kill the worker and everything in its process group, without waiting (see `reap`)."""
        pid = self._process.pid
        if pid is not None and not hasattr(os, "killpg"):  # Windows: no process groups, no SIGKILL
            self._process.kill()
        elif pid is not None:
            try:
                os.killpg(pid, signal.SIGKILL)  # the worker leads its own group once it has started
            except OSError:
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)

    def reap(self) -> None:
        """Wait for the killed worker, and remove its log and private folder."""
        self._process.join(5)
        self._conn.close()
        self.log_path.unlink(missing_ok=True)
        shutil.rmtree(self.private_dir, ignore_errors=True)

    def _receive(self, timeout: float, where: bool = False, glance=None) -> dict:
        """The next reply, read whole within `timeout` seconds, checked before it is used. A
        probe's seconds (`where`) are those the worker is charged for (`ProbeClock`): the
        wall clock's, less the time it waited for a CPU that other processes held."""
        started = time.monotonic()
        deadline = ProbeClock(self._process.pid, timeout).deadline if where else started + timeout
        try:
            if glance is not None:
                look = started + FIRST_GLANCE
                while not _wait_readable(self._conn.fileno(), min(_when(deadline), look), self._outbox):
                    look = time.monotonic() + GLANCE
                    if time.monotonic() >= _when(deadline):
                        raise TimeoutError
                    fault = glance(self._where_running(), time.monotonic() - started)
                    if fault is not None:
                        self.stop()
                        raise fault
            data = read_message(self._conn.fileno(), deadline, self.limits.reply, self._outbox)
        except TimeoutError:
            stuck = self._where_running() if where else None
            self.stop()
            message = _("it did not finish within {seconds:g} s and was stopped (an endless loop, "
                        "or far too much work?)", seconds=timeout)
            if stuck is not None:
                message = _("it did not finish within {seconds:g} s and was stopped, stuck in {where} (an endless "
                            "loop, or far too much work?)", seconds=timeout, where=stuck.text())
            raise Fault("timeout", message, stuck=stuck) from None
        except (EOFError, OSError):
            raise self._died() from None
        except ValueError as exc:
            self.stop()
            raise Fault("error", _("the worker sent back something unreadable ({error})", error=str(exc))) from None
        try:
            reply = load_reply(data)
        except Exception as exc:  # noqa: BLE001 - whatever was sent, it is not a reply
            self.stop()
            raise Fault("error", _("the worker sent back something unreadable ({error})",
                                   error=_clip(str(exc), 200))) from None
        return reply

    def _where_running(self) -> Place | None:
        """Where the submission's code runs now: its innermost frame (None if it is not running).

        The worker writes its stack to its log on STACK_SIGNAL; only frames of files in the
        submission's directory are named.
        """
        from grader.workers.serve import STACK_SIGNAL  # imports torch: not before the fork server starts

        size = _size(self.log_path)
        try:
            os.kill(self._process.pid, STACK_SIGNAL)
        except (OSError, TypeError):
            return None
        _wait_until_written(self.log_path, size, time.monotonic() + STACK_WAIT)
        frames = stack_frames(_tail(self.log_path, lines=200, joined=False))
        for file, line, function in frames:
            if self.inside(file):
                return Place(file, line, _clip(function, 80))
        return None

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


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _wait_readable(fd: int, deadline: float, outbox: bytearray | None = None) -> bool:
    """Wait until `fd` has something to read (True) or `deadline` has passed (False), meanwhile
    writing what waits in `outbox` to `fd` as it can take it."""
    ready = select.poll()
    while True:
        ready.register(fd, select.POLLIN | (select.POLLOUT if outbox else 0))
        wait = deadline - time.monotonic()
        events = ready.poll(wait * 1000) if wait > 0 else []
        if not events:
            return False
        if outbox and events[0][1] & select.POLLOUT:
            _write_some(fd, outbox)
        if events[0][1] & (select.POLLIN | select.POLLHUP | select.POLLERR):
            return True


def _wait_until_written(path: Path, size: int, deadline: float) -> None:
    """Wait until the log has grown past `size` and then stopped growing (the stack is
    written whole, in microseconds, by the worker's signal handler), or until `deadline`:
    a student who hangs every check waits for each check's timeout, not for this too."""
    last = size
    while time.monotonic() < deadline:
        time.sleep(STACK_POLL)
        now = _size(path)
        if last > size and now == last:
            return
        last = now


def _tail(path: Path, lines: int = 3, joined: bool = True):
    """The last `lines` lines of a worker's log (read from its last 64 KiB only)."""
    try:
        with open(path, "rb") as stream:
            stream.seek(max(0, stream.seek(0, os.SEEK_END) - (64 << 10)))
            text = stream.read().decode(errors="replace")
    except OSError:
        return "" if joined else []
    last = printable(text).strip().splitlines()[-lines:]
    return " | ".join(last)[-500:] if joined else last


_STACK_HEADER = re.compile(r"^(Current thread|Thread) 0x[0-9a-f]+ \(most recent call first\):$")
_STACK_FRAME = re.compile(r'^  File "(.+)", line (\d+) in (.+)$')


def stack_frames(lines: list[str]) -> list[tuple[str, int, str]]:
    """(file, line, function) of the frames of the last stack faulthandler wrote, innermost
    first: the current thread's if it wrote several."""
    blocks: list[tuple[str, list]] = []
    for line in lines:
        header = _STACK_HEADER.match(line)
        if header:
            blocks.append((header.group(1), []))
        elif blocks and (frame := _STACK_FRAME.match(line)):
            blocks[-1][1].append((frame.group(1), int(frame.group(2)), frame.group(3)))
    current = [frames for kind, frames in blocks if kind == "Current thread"]
    return current[-1] if current else (blocks[-1][1] if blocks else [])


class ProbeClock:
    """How long a probe has run, as its worker is charged for it: the wall clock's time less
    the time the worker's main thread spent ready to run but waiting for a CPU that other
    processes held (`/proc/<pid>/schedstat`), and at least the CPU time of all its threads.

    A classmate who keeps the CPUs busy (hundreds of spinners) slows a worker's wall clock
    down, not its charged one: it is never timed out for another student's load. A worker
    that sleeps, blocks or spins is charged for every second of it. Most probes are over
    within CLOCK_BASELINE seconds: /proc is read only once a probe has run that long (those
    first seconds are charged whole). Where /proc tells neither figure (not Linux), the wall
    clock alone.
    """

    def __init__(self, pid: int | None, limit: float):
        self.pid, self.limit = pid, limit
        self.started = time.monotonic()
        self.base: tuple[float, float | None, float | None] | None = None  # (when, waited, cpu) at the first look

    def used(self) -> float:
        now = time.monotonic()
        waited, cpu = _run_queue_wait(self.pid), _cpu_time(self.pid)
        if self.base is None:
            self.base = (now, waited, cpu)
        when, waited_then, cpu_then = self.base
        charged = now - self.started - (waited - waited_then if None not in (waited, waited_then) else 0.0)
        spent = when - self.started + (cpu - cpu_then if None not in (cpu, cpu_then) else 0.0)
        return max(charged, spent)

    def deadline(self) -> float:
        """When, on the monotonic clock, to look again: where the limit is reached if the worker
        is charged for every second from now on, at most CLOCK_POLL from now (several threads may
        be charged for more than a second a second)."""
        first_look = self.started + min(CLOCK_BASELINE, self.limit)
        if self.base is None and time.monotonic() < first_look:
            return first_look
        return time.monotonic() + min(self.limit - self.used(), CLOCK_POLL)


def _when(deadline) -> float:
    """A deadline on the monotonic clock: `deadline` itself, or what the function says now."""
    return deadline() if callable(deadline) else deadline


def _run_queue_wait(pid: int | None) -> float | None:
    """Seconds the main thread of `pid` has waited, runnable, for a CPU (None if unknown)."""
    try:
        return int(_read_proc(f"/proc/{pid}/schedstat").split()[1]) / 1e9
    except (OSError, ValueError, IndexError):
        return None


def _cpu_time(pid: int | None) -> float | None:
    """Seconds of CPU the threads of `pid` have used (None if unknown)."""
    try:
        fields = _read_proc(f"/proc/{pid}/stat").rsplit(b")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime and stime (fields 14 and 15)
    except (OSError, ValueError, IndexError):
        return None


def _read_proc(path: str) -> bytes:
    """A small /proc file's bytes, in one read (a probe's clock reads two every so often)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        return os.read(fd, 4096)
    finally:
        os.close(fd)


def read_message(fd: int, deadline, limit: int, outbox: bytearray | None = None) -> bytes:
    """One message of multiprocessing's framing (a 4-byte length, or -1 and an 8-byte one,
    then the payload) read whole from `fd` by `deadline` (a time on the monotonic clock, or a
    function that says it anew each time, `ProbeClock.deadline`): TimeoutError if it is not all
    there by then, ValueError if it is longer than `limit`, EOFError if the pipe closed.
    Meanwhile what waits in `outbox` is written to `fd` as it can take it."""
    size = struct.unpack("!i", _read_exactly(fd, 4, deadline, outbox))[0]
    if size == -1:
        size = struct.unpack("!Q", _read_exactly(fd, 8, deadline, outbox))[0]
    if size < 0 or size > limit:
        raise ValueError(f"a reply of {size} bytes, more than the {limit} allowed")
    return _read_exactly(fd, size, deadline, outbox)


def _read_exactly(fd: int, size: int, deadline: float, outbox: bytearray | None = None) -> bytes:
    chunks, left = [], size
    ready = select.poll()  # not select(): descriptors past 1023 are fine
    while left:
        ready.register(fd, select.POLLIN | (select.POLLOUT if outbox else 0))
        wait = _when(deadline) - time.monotonic()
        events = ready.poll(wait * 1000) if wait > 0 else []
        if not events:
            if callable(deadline) and deadline() > time.monotonic():
                continue  # the worker was not charged for all of that time
            raise TimeoutError
        if outbox and events[0][1] & select.POLLOUT:
            _write_some(fd, outbox)
        if not events[0][1] & (select.POLLIN | select.POLLHUP | select.POLLERR):
            continue
        try:
            chunk = os.read(fd, min(left, 1 << 20))
        except BlockingIOError:
            continue
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _write_some(fd: int, outbox: bytearray) -> None:
    """Write what `fd` (non-blocking) takes now from the front of `outbox`. A worker that is
    gone takes nothing: its death shows when its reply is read."""
    while outbox:
        try:
            written = os.write(fd, outbox)
        except BlockingIOError:
            return
        except OSError:
            outbox.clear()
            return
        del outbox[:written]


def load_reply(data: bytes) -> dict:
    """A reply's value (grader.workers.replies: JSON and tensor bytes, nothing unpickled), its strings
    clipped and its size bounded, before anything prints or compares it."""
    from grader.workers import replies  # imports torch: not before the fork server starts

    reply = replies.decode(data)
    if not isinstance(reply, dict):
        raise ValueError("not a reply")
    return reply


def _clip(text: str, limit: int = MAX_TEXT) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 15] + "\n...(cut short)"


def worker_protection(directory: Path) -> sandbox.Protection:
    """How a worker for `directory` is confined: as this machine allows, except that a
    worker started as root stays uid 0 (without capabilities) where uid 65534 could not read
    `directory` and every file in it."""
    level = protection()
    if level.uid == sandbox.NOBODY and not all(map(sandbox.readable_by_others, [directory, *directory.iterdir()])):
        return dataclasses.replace(level, uid=0, note=f"uid {sandbox.NOBODY} cannot read {directory}")
    return level


def copy_submission(directory: Path) -> submission.Copied:
    """A fresh copy of the regular source files of `directory` (grader.workers.submission), to be
    graded instead of it: readable by every uid only where workers drop to another one."""
    return submission.copy(directory, readable_by_others=protection().uid == sandbox.NOBODY)


class TopicRunner:
    """Runs probes on one topic file of one directory, one after another, restarting its
    worker after a fault.

    Probes can be sent ahead (`send_ahead`): the worker runs them in order while this
    process does other work, and their results wait here until they are asked for. A probe
    that is asked for and was not sent ahead runs after those that were. A fault belongs to
    the probe the worker was running: the probes sent after it go to a fresh worker.

    Once a probe ran out of time in a function of the submission, a probe found running in
    that same function (looked at every GLANCE seconds) ends at once, "not run": the code it
    needs did not finish before, and each probe would wait out its own time limit again.
    `observer(topic, where, seconds)`, if given, is told at each look where a probe that keeps
    us waiting runs (a `Place`, or None where the submission's code is not running).

    `sent` says which code of a check file its workers get (`_compiled`): a submission's public
    probes run in workers sent it without its hidden checks, its hidden ones in another
    runner's workers, so that nothing a public check shows can carry what they saw; neither is
    sent the reference-side probes.
    """

    def __init__(self, directory: Path, topic: str, limits: Limits, log_dir: Path,
                 observer: Callable[[str, Place | None, float], None] | None = None, *,
                 shown: Path | None = None, left_out: str | None = None, salt: int = 0,
                 sent: str = "everything"):
        self.directory = directory
        self.sent = sent  # which code of a check file its workers get: see `_compiled`
        self.topic = topic
        self.limits = limits
        self.log_dir = log_dir
        self.observer = observer
        self.salt = salt  # sent with every probe (grader.checks.probing.secret); 0: the public inputs
        self.path = notebooks.graded_file(directory, topic)  # <topic>.py, or <topic>.ipynb
        self._source: notebooks.TopicSource | None = None  # what is graded, once read (see `_check_file`)
        self._stuck: set[tuple[str, str]] = set()  # (file, function) where a probe ran out of time
        self.shown = shown or directory  # the folder named in messages (`directory` may be its copy)
        self.left_out = left_out  # why the topic file was left out of the copy graded (a msgid), if it was
        self._worker: Worker | None = None
        self._load_fault: Fault | None = None
        self._in_flight: collections.deque = collections.deque()  # [(key, probe, args)] sent, not yet answered
        self._answers: dict = {}  # key -> value or Fault, read and not yet asked for
        self._printed: dict = {}  # key -> what an answered probe's code printed, not yet asked for

    def start(self) -> None:
        """Fork the worker and have it import the topic file, without waiting for either."""
        if self._worker is None and self._load_fault is None and _regular_file(self.path):
            with contextlib.suppress(Fault):  # a notebook that cannot be graded: each result says so
                self._check_file()
                self._new_worker()

    def send_ahead(self, calls: list[tuple]) -> None:
        """Send these (probe, args) now, in this order, for later `result`s."""
        if not calls:
            return
        with contextlib.suppress(Fault):  # a topic that cannot load: each result says so
            self._send([(_key(probe, args), probe, args) for probe, args in calls])

    def submit(self, probe, args: tuple) -> None:
        """Make sure the probe is on its way (or answered); `result` collects its answer."""
        key = _key(probe, args)
        if key not in self._answers and all(key != sent for sent, _, _ in self._in_flight):
            self._send([(key, probe, args)])

    def result(self, probe, args: tuple):
        """The probe's value; a Fault if it raised, crashed, hung or the topic did not load."""
        key = _key(probe, args)
        self.submit(probe, args)
        while key not in self._answers:
            if self._load_fault is not None:
                raise self._load_fault
            self._read_next()
        answer = self._answers.pop(key)
        if isinstance(answer, Fault):
            raise answer
        return answer

    def run(self, probe, *args):
        return self.result(probe, args)

    def printed_output(self, probe, args: tuple) -> str:
        """What the code printed while the probe, answered by now, ran without an error ("" if nothing)."""
        return self._printed.pop(_key(probe, args), "")

    def stop(self) -> None:
        self.kill()
        self.reap()

    def kill(self) -> None:
        """Kill the worker without waiting for it: `reap` does (stop many at once, then wait)."""
        if self._worker is not None:
            self._worker.kill()

    def reap(self) -> None:
        if self._worker is not None:
            self._worker.reap()
            self._worker = None
            self._in_flight.clear()

    def _send(self, entries: list[tuple]) -> None:
        if self._load_fault is not None:
            raise self._load_fault
        if self._worker is None:
            self._check_file()
            self._new_worker()
        for key, probe, args in entries:
            file = _source_of(probe)
            request = {"kind": "probe", "file": file, "name": probe.__name__, "args": args, "salt": self.salt}
            if file not in self._worker.taught:  # a check file's code goes to each worker once
                request["code"] = _compiled(file, self.sent)
                self._worker.taught.add(file)
            self._worker.send(request)
            self._in_flight.append((key, probe, args))

    def _new_worker(self) -> None:
        self._worker = Worker(self.directory, self.topic, self.limits, self.log_dir)
        request = {"kind": "load"}
        if self._source is not None and self._source.is_notebook:  # the cells' text, read here (trusted)
            request.update(file=self._source.name, cells=[(c.number, c.source) for c in self._source.cells])
        self._worker.send(request)
        self._in_flight.append((_LOAD, None, ()))

    def _read_next(self) -> None:
        """Read the oldest unanswered request's reply into `_answers` (or `_load_fault`)."""
        key, probe, args = self._in_flight[0]
        try:
            reply = self._worker.receive(self._glance if (self._stuck or self.observer) else None)
        except Fault as fault:  # the worker was stopped: whatever was sent after goes to a fresh one
            if fault.status == "timeout" and fault.stuck is not None:
                self._stuck.add((fault.stuck.file, fault.stuck.function))
            self._worker = None
            self._in_flight.popleft()
            unanswered = list(self._in_flight)
            self._in_flight.clear()
            if key is _LOAD:
                self._import_failed(fault.status, fault.message)
                return
            self._answers[key] = fault
            if fault.status != "timeout":  # after a hang, each probe is sent when asked for: no more
                with contextlib.suppress(Fault):  # timeouts than a check that stops at its first fault asks
                    self._send(unanswered)
            return
        self._in_flight.popleft()
        if key is _LOAD:
            if not reply.get("ok"):
                self._import_failed("error", format_error(reply.get("error"), reply.get("output")))
                self.stop()
        elif reply.get("ok"):
            self._answers[key] = reply.get("value")
            if isinstance(reply.get("output"), str) and reply["output"].strip():
                self._printed[key] = reply["output"]
        else:
            self._answers[key] = Fault("error", format_error(reply.get("error"), reply.get("output")),
                                       NOT_IMPLEMENTED if _error_type(reply.get("error")) == "NotImplementedError" else "")

    def _glance(self, where: Place | None, seconds: float) -> Fault | None:
        """What the worker's `receive` does at each look at a probe that keeps us waiting."""
        if self.observer is not None:
            self.observer(self.topic, where, seconds)
        if where is not None and (where.file, where.function) in self._stuck:
            return Fault("timeout", _("not run: {function} did not finish in an earlier check", function=where.name),
                         NOT_RUN)
        return None

    def _import_failed(self, status: str, error) -> None:
        """Every probe of this topic ends with this fault from now on."""
        self._load_fault = Fault(status, _("importing {file} failed: {error}", file=self.path.name, error=error),
                                 IMPORT_FAILED)

    def _check_file(self) -> None:
        """Fault (for good) if the topic file is missing or not a regular file, or is a notebook
        that cannot be graded; otherwise read what is graded (a notebook's cells) once."""
        if self._source is not None:
            return
        if self.left_out and not (self.path.exists() or self.path.is_symlink()):
            self._load_fault = Fault("failed", _("{file} is not graded: {reason}", file=self.path.name,
                                                 reason=self.left_out), NOT_SUBMITTED)
            raise self._load_fault
        if self.path.is_symlink() or (self.path.exists() and not self.path.is_file()):
            self._load_fault = Fault("failed", _("{file} is a symbolic link or not a regular file: "
                                                 "submit the file itself", file=self.path.name))
            raise self._load_fault
        if not self.path.is_file():
            self._load_fault = Fault("failed", _("not submitted: there is no {file} in {directory}",
                                                 file=f"{self.topic}.py", directory=str(self.shown)),
                                     NOT_SUBMITTED)
            raise self._load_fault
        try:
            self._source = notebooks.topic_source(self.directory, self.topic)
        except notebooks.NotebookError as error:  # it cannot be read: as if its import had failed
            self._load_fault = Fault("failed", error.message, IMPORT_FAILED)
            raise self._load_fault from None
        if self._source is None:  # gone since `graded_file` looked
            self._load_fault = Fault("failed", _("not submitted: there is no {file} in {directory}",
                                                 file=f"{self.topic}.py", directory=str(self.shown)),
                                     NOT_SUBMITTED)
            raise self._load_fault


_LOAD = object()  # the key, in a runner's in-flight list, of the topic file's import


def _key(probe, args: tuple):
    return (_source_of(probe), probe.__name__, tuple(args))


def _regular_file(path: Path) -> bool:
    return path.is_file() and not path.is_symlink()


@functools.cache
def _source_of(probe) -> str:
    return str(Path(inspect.getsourcefile(probe)).resolve())


@functools.cache
def _compiled(file: str, sent: str = "everything") -> bytes:
    """The check file's code, compiled here once (`marshal`: workers run this same Python), so
    that no worker compiles it again: a few milliseconds per worker, ten workers a student.

    `sent`: "everything" (the reference's workers), "hidden" (a submission's hidden probes:
    all but the reference-side probes) or "public" (a submission's public probes: without the
    hidden checks either), each without what only the parts left out use."""
    source = Path(file).read_text(encoding="utf-8")
    if sent != "everything":
        source = strip_hidden(source, hidden=sent == "public", reference_side=True)
    return marshal.dumps(compile(source, file, "exec"))


def _error_type(error) -> str:
    """The exception type a worker's error description names ("" when it names none)."""
    return error.get("type", "") if isinstance(error, dict) and isinstance(error.get("type"), str) else ""


def format_error(error, output) -> Message:
    """One readable paragraph from the error a worker described: the error, then indented lines
    (four spaces: the submission's own frames; two: a hint, what the code printed)."""
    if not isinstance(error, dict):
        return _("it failed without saying why")
    kind = _clip(error.get("type", "Exception"), 100)
    message = _clip(error.get("message", ""))
    if kind == "NotImplementedError":
        text = _("not implemented yet: {task}", task=message) if message else _("not implemented yet")
    else:
        text = Message("{kind}: {message}", {"kind": kind, "message": message}) if message else kind
    frames = error.get("frames", [])
    frames = [_clip(f, 300) for f in frames[-8:] if isinstance(f, str)] if isinstance(frames, list) else []
    if frames:
        text = Message("{text}\n    {frames}", {"text": text, "frames": "\n    ".join(frames)})
    hint = hint_for(kind, message)
    if hint:
        text = Message("{text}\n  {hint}", {"text": text, "hint": _("hint: {hint}", hint=hint)})
    if isinstance(output, str) and output.strip():
        text = Message("{text}\n{printed}", {"text": text, "printed": printed(output)})
    return text


PRINTED_LINES = 12  # lines of what the code printed that are shown whole; of more, the first and last few
PRINTED_WIDTH = 200  # characters of one printed line


def printed(output: str) -> Message:
    """What the code printed, as note lines ("  | ..."), whole and in order: its first and last
    lines when it printed more than PRINTED_LINES, with how many were cut between them."""
    lines = [line if len(line) <= PRINTED_WIDTH else line[:PRINTED_WIDTH] + "…"
             for line in output[:MAX_TEXT].strip("\n").splitlines()]
    shown = lambda part: "".join(f"\n  | {line}" for line in part)  # noqa: E731
    if len(lines) <= PRINTED_LINES:
        return Message("  {header}{lines}", {"header": _("your code printed:"), "lines": shown(lines)})
    keep = PRINTED_LINES // 2 - 1
    cut = len(lines) - 2 * keep
    return Message("  {header}{first}\n  | {cut}{last}", {
        "header": _("your code printed:"), "first": shown(lines[:keep]), "last": shown(lines[-keep:]),
        "cut": _n("… {count} line cut …", "… {count} lines cut …", cut, count=cut)})


def new_log_dir() -> Path:
    return Path(tempfile.mkdtemp(prefix="torchlings-"))
