"""The sandbox: what `grader.workers.sandbox` probes, what a real worker can no longer reach, and what
the trusted side refuses to wait for or to unpack.

Probes of this file run in workers, which run the code the trusted side compiled from it:
its module level imports only what a worker has.
"""

import contextlib
import io
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import torch

from grader.workers import pool

from grader.verdict import recording

from grader.workers import sandbox
from grader.workers.pool import Fault, Limits, TopicRunner

REPO = Path(__file__).resolve().parents[2]

confined = pytest.mark.skipif(not pool.protection().full, reason="workers are not fully confined on this machine")


# --- probing -----------------------------------------------------------------------------


def test_the_summary_names_every_layer_and_what_is_missing():
    everything = sandbox.Protection("Linux", 7, fs=True, net=True, signals=True, unix=True, seccomp=True, uid=65534)
    assert everything.summary() == "landlock 7 (files, network, signals), seccomp, tmp per file 64 MiB, uid 65534"
    capped = sandbox.Protection("Linux", 7, fs=True, seccomp=True, tmp_size=256 << 20)
    assert capped.summary() == "landlock 7 (files), seccomp (signals too), tmp 256 MiB"
    assert everything.full
    assert sandbox.Protection("Darwin").summary() == "none (macOS)"
    assert sandbox.Protection("Linux").summary() == "no landlock, no seccomp, tmp per file 64 MiB"
    older = sandbox.Protection("Linux", 4, fs=True, net=True, seccomp=True, uid=0)
    assert older.summary() == ("landlock 4 (files, network), seccomp (signals too), tmp per file 64 MiB, "
                               "uid 0 without capabilities")
    assert older.full
    assert not sandbox.Protection("Linux", 7, fs=True, net=True, signals=True, unix=True).full
    assert not sandbox.Protection("Linux", seccomp=True).full


def _kernel_claiming_abi_6(monkeypatch, refused_scope=0, refused_fs=0):
    """A kernel that claims ABI 6 but refuses some flags of it (its flags lag its number)."""
    import landlockpy

    class Ruleset:
        def __init__(self, *, handled_fs, handled_net, scoped=landlockpy.Scope.NONE, best_effort=True):
            if scoped & refused_scope or handled_fs & refused_fs:
                raise landlockpy.LandlockError(22, "Invalid argument")

        def close(self):
            pass

    monkeypatch.setattr(landlockpy, "abi_version", lambda: 6)
    monkeypatch.setattr(landlockpy, "Ruleset", Ruleset)


@pytest.mark.skipif(sys.platform != "linux", reason="Landlock is Linux's")
def test_each_landlock_feature_is_probed_on_its_own(monkeypatch):
    import landlockpy

    _kernel_claiming_abi_6(monkeypatch, refused_scope=landlockpy.Scope.SIGNAL)
    found = sandbox.probe()
    assert (found.landlock_abi, found.fs, found.net, found.signals, found.unix) == (6, True, True, False, True)
    assert "landlock 6 (files, network)" in found.summary()
    _kernel_claiming_abi_6(monkeypatch, refused_fs=landlockpy.AccessFS.IOCTL_DEV)
    found = sandbox.probe()
    assert (found.fs, found.net, found.signals) == (False, True, True) and not found.full


@pytest.mark.skipif(sys.platform != "linux", reason="Landlock is Linux's")
def test_no_landlock_at_all_degrades_to_the_rest(monkeypatch):
    import landlockpy

    monkeypatch.setattr(landlockpy, "abi_version", lambda: 0)
    found = sandbox.probe()
    assert not (found.fs or found.net or found.signals) and found.summary().startswith("no landlock")


def test_readable_by_others_follows_every_parent(tmp_path):
    shared = Path(tempfile.mkdtemp())
    try:
        shared.chmod(0o755)
        assert sandbox.readable_by_others(shared)
        (shared / "private").write_text("")
        (shared / "private").chmod(0o600)
        assert not sandbox.readable_by_others(shared / "private")
    finally:
        (shared / "private").unlink()
        shared.rmdir()
    hidden = tmp_path / "open"  # pytest's temporary directories are 0700
    hidden.mkdir(mode=0o755)
    assert not sandbox.readable_by_others(hidden) or os.stat(tmp_path).st_mode & 0o001


def test_require_sandbox_refuses_to_grade_unconfined(monkeypatch, capsys):
    from grader.commands import grade, main
    monkeypatch.setattr(pool, "protection", lambda: sandbox.Protection("Darwin"))
    assert main.main(["--require-sandbox", "--submission", str(REPO / "solutions"), "--topic", "layers"]) == 3
    assert "not fully confined (none (macOS))" in capsys.readouterr().err
    assert grade.sandbox_acceptable(main.parser().parse_args(["grade"]))  # without the option it grades, and says so
    assert "runs unconfined here" in capsys.readouterr().err


# --- replies, read on the trusted side ---------------------------------------------------


def _pipe_with(data: bytes) -> int:
    read, write = os.pipe()
    os.write(write, data)
    os.close(write)
    return read


def test_a_whole_message_is_read():
    fd = _pipe_with(b"\x00\x00\x00\x05hello")
    try:
        assert pool.read_message(fd, time.monotonic() + 5, 100) == b"hello"
    finally:
        os.close(fd)


def test_half_a_message_then_silence_times_out():
    read, write = os.pipe()
    os.write(write, b"\x00\x00\x03\xe8" + b"0123456789")  # announces 1000 bytes, sends 10
    started = time.monotonic()
    try:
        with pytest.raises(TimeoutError):
            pool.read_message(read, time.monotonic() + 0.3, 1 << 20)
    finally:
        os.close(read)
        os.close(write)
    assert time.monotonic() - started < 2


def test_an_oversized_or_cut_message_is_refused():
    fd = _pipe_with(b"\xff\xff\xff\xff" + (1 << 40).to_bytes(8, "big"))
    with pytest.raises(ValueError):
        pool.read_message(fd, time.monotonic() + 5, 1 << 20)
    os.close(fd)
    fd = _pipe_with(b"\x00\x00\x00\x05hel")
    with pytest.raises(EOFError):
        pool.read_message(fd, time.monotonic() + 5, 100)
    os.close(fd)


def _reply(text: str, tensor_bytes: bytes = b"") -> bytes:
    """A reply of the JSON `text` (grader.workers.replies' framing), as a worker could forge it."""
    return len(text.encode()).to_bytes(8, "big") + text.encode() + tensor_bytes


def test_a_pickle_or_a_torch_save_archive_is_not_a_reply():
    pickled = io.BytesIO()
    torch.save({"ok": True, "value": torch.zeros(3)}, pickled)
    for data in (pickled.getvalue(), b"\x80\x04\x95" + bytes(20), b"", b"\x00" * 7):
        with pytest.raises(ValueError):
            pool.load_reply(data)
    assert pool.load_reply(_reply('{"dict": [["ok", true]]}')) == {"ok": True}


def test_a_reply_too_large_or_too_deep_is_refused_quickly():
    started = time.monotonic()
    with pytest.raises(ValueError, match="too large"):
        pool.load_reply(_reply('{"dict": [["value", [' + ",".join(["0"] * 300_000) + "]]]}"))
    for depth in (100, 100_000):  # past the builder's depth, and past the JSON parser's
        with pytest.raises(ValueError, match="deep"):
            pool.load_reply(_reply('{"dict": [["value", ' + "[" * depth + "]" * depth + "]]}"))
    assert time.monotonic() - started < 5


def test_strings_are_clipped_where_they_are_read():
    text = json.dumps({"dict": [["ok", True], ["value", ["x" * 100_000]], ["output", "y" * 100_000]]})
    reply = pool.load_reply(_reply(text))
    assert len(reply["value"][0]) <= pool.MAX_TEXT and len(reply["output"]) <= pool.MAX_TEXT
    message = pool.format_error({"type": "E" * 10_000, "message": "m" * 10**6, "frames": ["f" * 10**5] * 100}, "")
    assert len(str(message)) < 10_000


def test_the_stack_of_the_current_thread_is_read_from_the_log():
    log = """noise printed by the student
Thread 0x00007f0000000001 (most recent call first):
  File "/x/threading.py", line 1 in wait

Current thread 0x00007f0000000002 (most recent call first):
  File "/home/student/layers.py", line 12 in forward
  File "/repo/tests/topics/test_layers.py", line 40 in probe
""".splitlines()
    assert pool.stack_frames(log) == [("/home/student/layers.py", 12, "forward"),
                                      ("/repo/tests/topics/test_layers.py", 40, "probe")]


@pytest.mark.skipif(sys.platform != "linux", reason="prctl is Linux's")
def test_the_trusted_processes_are_not_dumpable(attacker):
    import ctypes

    pool.warm_up()
    assert ctypes.CDLL(None).prctl(3, 0, 0, 0, 0) == 0  # PR_GET_DUMPABLE, in the grader
    assert attacker.run(attempt, "dumpable")[1] == 0  # inherited from the fork server


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
def test_the_process_count_includes_threads():
    assert sandbox.tasks_of(os.getuid()) >= len(os.listdir("/proc/self/task")) >= 1


# --- cleanup -----------------------------------------------------------------------------

CHAIN = """
import os, sys, time
os.setsid()
def chain(depth):
    if depth and os.fork() == 0:
        os.setsid()
        chain(depth - 1)
        with open(sys.argv[1], "a") as stream:
            stream.write(f"{os.getpid()}\\n")
        time.sleep(60)
        os._exit(0)
chain(12)
"""


@pytest.mark.skipif(sys.platform != "linux", reason="the sweep reads /proc")
def test_a_deep_chain_of_sessions_is_swept_away(tmp_path):
    pool._become_subreaper()  # what the grader does when it warms up
    pids = tmp_path / "pids"
    subprocess.run([sys.executable, "-c", CHAIN, str(pids)], check=True, timeout=30)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and len(pids.read_text().split() if pids.exists() else []) < 12:
        time.sleep(0.05)
    chain = [int(pid) for pid in pids.read_text().split()]
    assert len(chain) == 12
    pool.stop_abandoned()
    alive = [pid for pid in chain if Path(f"/proc/{pid}").exists()]
    for pid in alive:  # never leave them behind, even when the test fails
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    assert not alive


@pytest.mark.skipif(sys.platform != "linux" or os.uname().machine not in ("x86_64", "aarch64"),
                    reason="the sweep reads /proc; the raw clone call is known on these architectures")
def test_a_sibling_made_by_clone_parent_is_swept_away(tmp_path, monkeypatch):
    """Where seccomp cannot refuse CLONE_PARENT, the worker's sibling (a child of the fork
    server, in a session of its own) is still found and killed, and a living worker is not."""
    (tmp_path / "attacks.py").write_text(ATTACKS)
    unfiltered = sandbox.Protection(**{**pool.protection().__dict__, "seccomp": False})
    monkeypatch.setattr(pool, "protection", lambda: unfiltered)
    pool._become_subreaper()  # what the grader does when it warms up
    runner, bystander = (TopicRunner(tmp_path, "attacks", Limits(timeout=20), pool.new_log_dir()) for _ in range(2))
    try:
        status, pid = runner.run(attempt, "sibling")
        assert status == "ok" and pid > 0
        assert bystander.run(attempt, "descriptors")[0] == "ok"
        runner.stop()
        pool.stop_abandoned()
        alive = Path(f"/proc/{pid}").exists() and Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
        assert bystander.run(attempt, "descriptors")[0] == "ok"  # a living worker stays
    finally:
        runner.stop()
        bystander.stop()
        with contextlib.suppress(OSError, UnboundLocalError):
            os.kill(pid, signal.SIGKILL)  # never leave it behind, even when the test fails
    assert not alive


# --- a real worker -----------------------------------------------------------------------

ATTACKS = '''
import os, resource, socket, sys, tempfile, time

def read(path):
    return open(path).read()

def import_reference(repo):
    sys.path.insert(0, repo)
    from solutions import layers
    return layers

def create(path):
    with open(path, "x"):
        pass
    os.unlink(path)

def signal_process(pid):
    os.kill(pid, 0)

def signal_group(pid):
    os.killpg(os.getpgid(pid), 0)

def open_memory(pid):
    os.close(os.open(f"/proc/{pid}/mem", os.O_RDWR))

def limit_other(pid):
    resource.prlimit(pid, resource.RLIMIT_FSIZE)

def tcp_connect(port):
    socket.create_connection(("127.0.0.1", port), timeout=2).close()

def udp_send(port):
    socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"torchlings", ("127.0.0.1", port))

def unix_connect(path):
    with socket.socket(socket.AF_UNIX) as client:
        client.connect(path)

def big_file():
    with open(os.path.join(tempfile.gettempdir(), "big"), "wb") as stream:
        for _ in range(80):
            stream.write(b"\\0" * (1 << 20))
            stream.flush()

def many_files(count, megabytes):
    """Write `count` files of `megabytes` MiB each; the errno that stopped it, or None. It
    removes them afterwards."""
    block, written = b"\\0" * (1 << 20), []
    try:
        for index in range(count):
            written.append(os.path.join(tempfile.gettempdir(), f"part-{index}"))
            with open(written[-1], "wb") as stream:
                for _ in range(megabytes):
                    stream.write(block)
    except OSError as exc:
        return exc.errno
    finally:
        for path in written:
            os.unlink(path)
    return None

def write_private():
    with open(os.path.join(tempfile.gettempdir(), "mine"), "w") as stream:
        stream.write("allowed")
    return tempfile.gettempdir()

def environment():
    return sorted(os.environ), len(open("/proc/self/environ", "rb").read().strip(b"\\0"))

def descriptors():
    return sorted(int(fd) for fd in os.listdir("/proc/self/fd"))

def identity():
    status = dict(line.split(":", 1) for line in open("/proc/self/status").read().splitlines())
    return os.getuid(), status["CapEff"].strip()

def niceness():
    return os.getpriority(os.PRIO_PROCESS, 0)

def dumpable():
    import ctypes
    return ctypes.CDLL(None).prctl(3, 0, 0, 0, 0)  # PR_GET_DUMPABLE

def spin():
    while True:
        pass

def fork():
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)

def clone(flags):
    """clone(2) itself, with `flags` (and SIGCHLD): the child exits at once. The new process's
    pid, or the errno that refused it."""
    import ctypes, platform
    libc = ctypes.CDLL(None, use_errno=True)
    pid = libc.syscall({"x86_64": 56, "aarch64": 220}[platform.machine()], flags | 17, 0, 0, 0, 0)
    if pid == 0:
        os._exit(0)
    return pid if pid > 0 else -ctypes.get_errno()

def sibling():
    """A child of the worker's parent (the fork server), in a session of its own, that sleeps
    60 s: its pid."""
    import ctypes, platform
    libc = ctypes.CDLL(None, use_errno=True)
    pid = libc.syscall({"x86_64": 56, "aarch64": 220}[platform.machine()], 0x8000 | 17, 0, 0, 0, 0)
    if pid == 0:
        os.setsid()
        time.sleep(60)
        os._exit(0)
    return pid

def work(n):
    """CPU work and nothing else, a sum of `n` numbers: the CPU time it took."""
    started = time.process_time()
    sum(range(n))
    return time.process_time() - started

def clone3():
    """clone3(2) with no arguments: the errno it fails with."""
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall(435, None, 0)
    return ctypes.get_errno()

def thread():
    import threading
    done = []
    worker = threading.Thread(target=lambda: done.append(1))
    worker.start()
    worker.join()
    return done
'''


def attempt(module, name, *args):
    """A probe: run one attack of the topic file; what it returned, or the exception's name."""
    try:
        return ("ok", module.__dict__[name](*args))
    except BaseException as exc:  # noqa: BLE001
        return (type(exc).__name__, None)


@pytest.fixture(scope="module")
def attacker(tmp_path_factory):
    directory = tmp_path_factory.mktemp("attacker")
    (directory / "attacks.py").write_text(ATTACKS)
    runner = TopicRunner(directory, "attacks", Limits(timeout=20), pool.new_log_dir())
    yield runner
    runner.stop()


def outcome(runner, name, *args):
    return runner.run(attempt, name, *args)[0]


@confined
@pytest.mark.parametrize("name, argument", [
    ("read", str(REPO / "solutions" / "layers.py")),
    ("read", str(REPO / "tests" / "topics" / "test_layers.py")),
    ("import_reference", str(REPO)),
    ("create", str(REPO / "grader" / "planted_by_a_test.py")),
    ("create", str(REPO / "tests" / "topics" / "test_planted_by_a_test.py")),  # (conftest.py exists there now)
    ("create", str(REPO / "solutions" / "layers.pyc")),
    ("create", "/tmp/torchlings-planted-by-a-test"),
    ("signal_process", os.getpid()),
    ("signal_group", os.getpid()),
    ("open_memory", os.getpid()),
    ("limit_other", os.getpid()),
    ("read", f"/proc/{os.getpid()}/environ"),
])
def test_a_worker_reaches_nothing_outside(attacker, name, argument):
    refused = {"PermissionError"} | ({"ImportError", "ModuleNotFoundError"} if name == "import_reference" else set())
    assert outcome(attacker, name, argument) in refused


@pytest.mark.skipif(not pool.protection().seccomp or os.uname().machine not in ("x86_64", "aarch64"),
                    reason="no seccomp here, or an architecture these raw calls do not know")
def test_a_worker_starts_threads_but_no_process(attacker):
    import errno

    assert attacker.run(attempt, "thread") == ("ok", [1])
    assert outcome(attacker, "fork") == "PermissionError"
    assert attacker.run(attempt, "clone3") == ("ok", errno.ENOSYS)  # libc falls back to clone, which is filtered
    for flag in sandbox.DENIED_CLONE_FLAGS.values():  # CLONE_PARENT would make a child of the fork server
        assert attacker.run(attempt, "clone", flag) == ("ok", -errno.EPERM), hex(flag)
    assert attacker.run(attempt, "clone", 0) == ("ok", -errno.EPERM)  # a plain fork, by the raw call


@confined
def test_a_worker_has_no_network_not_even_loopback(attacker, tmp_path):
    with socket.socket() as tcp, socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp, \
            socket.socket(socket.AF_UNIX) as unix:
        tcp.bind(("127.0.0.1", 0))
        tcp.listen(1)
        udp.bind(("127.0.0.1", 0))
        unix.bind(str(tmp_path / "listener"))
        unix.listen(1)
        assert outcome(attacker, "tcp_connect", tcp.getsockname()[1]) == "PermissionError"
        assert outcome(attacker, "udp_send", udp.getsockname()[1]) == "PermissionError"
        assert outcome(attacker, "unix_connect", str(tmp_path / "listener")) == "PermissionError"
        udp.settimeout(0.2)
        with pytest.raises(TimeoutError):
            udp.recv(100)


@confined
def test_a_worker_writes_only_its_private_directory_and_only_so_much(attacker):
    status, private = attacker.run(attempt, "write_private")
    assert status == "ok" and Path(private).name.startswith("torchlings-worker-")
    assert outcome(attacker, "big_file") == "OSError"  # RLIMIT_FSIZE: File too large
    if pool.protection().tmp_size:  # its own tmpfs: what it writes is not even seen outside
        assert not (Path(private) / "mine").exists()


@pytest.mark.skipif(not pool.protection().tmp_size,
                    reason="no mount namespace here: only each file's size is capped, not their total")
def test_a_worker_cannot_fill_the_disk_with_many_files(attacker):
    import errno

    assert pool.protection().tmp_size < 300 << 20
    assert attacker.run(attempt, "many_files", 30, 10) == ("ok", errno.ENOSPC)
    assert attacker.run(attempt, "write_private")[0] == "ok"  # it stays usable (what it removes frees its space)


@confined
def test_a_worker_keeps_only_its_pipe_and_a_scrubbed_environment(attacker):
    names, initial = attacker.run(attempt, "environment")[1]
    assert set(names) <= set(sandbox.KEPT_VARIABLES) | {"HOME", "TMPDIR", "TMP", "TEMP"}
    assert initial == 0
    descriptors = attacker.run(attempt, "descriptors")[1]
    assert len(descriptors) <= 5  # stdin, stdout, stderr, its pipe, and the one listing /proc/self/fd


@pytest.mark.skipif(sys.platform != "linux", reason="workers are confined on Linux only")
def test_a_worker_runs_below_the_trusted_processes(attacker):
    assert attacker.run(attempt, "niceness")[1] == min(19, os.getpriority(os.PRIO_PROCESS, 0) + sandbox.WORKER_NICE)


@confined
def test_a_worker_has_no_capability_and_as_root_runs_as_nobody_where_it_can(attacker, monkeypatch):
    uid, capabilities = attacker.run(attempt, "identity")[1]
    assert int(capabilities, 16) == 0
    if os.geteuid() != 0:
        return
    shared = Path(tempfile.mkdtemp())  # a submission uid 65534 may read
    try:
        shared.chmod(0o755)
        (shared / "attacks.py").write_text(ATTACKS)
        (shared / "attacks.py").chmod(0o644)
        forced = sandbox.Protection(**{**pool.protection().__dict__, "uid": sandbox.NOBODY, "note": ""})
        monkeypatch.setattr(pool, "protection", lambda: forced)
        runner = TopicRunner(shared, "attacks", Limits(timeout=20), pool.new_log_dir())
        try:
            assert runner.run(attempt, "identity")[1] == (sandbox.NOBODY, "0000000000000000")
            status, private = runner.run(attempt, "write_private")
            assert status == "ok"
        finally:
            runner.stop()
        assert not Path(private).exists()  # the private folder goes with its worker
    finally:
        (shared / "attacks.py").unlink()
        shared.rmdir()


@pytest.mark.skipif(not pool.protection().seccomp, reason="no seccomp here")
def test_without_landlock_signal_scoping_seccomp_keeps_signals_in(tmp_path, monkeypatch):
    (tmp_path / "attacks.py").write_text(ATTACKS)
    older = sandbox.Protection(**{**pool.protection().__dict__, "signals": False, "unix": False})
    monkeypatch.setattr(pool, "protection", lambda: older)
    runner = TopicRunner(tmp_path, "attacks", Limits(timeout=20), pool.new_log_dir())
    try:
        assert runner.run(attempt, "signal_process", os.getpid())[0] == "PermissionError"
        assert runner.run(attempt, "signal_group", os.getpid())[0] == "PermissionError"
        assert runner.run(attempt, "descriptors")[0] == "ok"  # and it still works
    finally:
        runner.stop()


SPINNERS = """
import os, sys, time
for _ in range(int(sys.argv[1])):
    pid = os.fork()
    if pid == 0:
        os.setsid()
        for fd in (1, 2):  # the pipes the test reads close once the pids are in
            os.dup2(os.open(os.devnull, os.O_WRONLY), fd)
        end = time.monotonic() + 60
        while time.monotonic() < end:
            pass
        os._exit(0)
    print(pid, flush=True)
"""


@pytest.mark.skipif(sys.platform != "linux", reason="a worker's waits for a CPU are read from /proc")
def test_a_probe_is_not_charged_for_the_time_others_held_the_cpus(tmp_path):
    """A classmate's spinners, each in a session of its own (an autogroup of its own, where the
    kernel groups by session), leave a worker a sliver of the CPUs: its probe takes far longer
    than its limit on the wall clock, but is charged only for its own time, and passes."""
    (tmp_path / "attacks.py").write_text(ATTACKS)
    runner = TopicRunner(tmp_path, "attacks", Limits(timeout=2), pool.new_log_dir())
    status, cpu = runner.run(attempt, "work", 2_000_000)
    assert status == "ok"
    n = int(2_000_000 * 0.5 / max(cpu, 0.001))  # about half a second of CPU
    count = min(250, 25 * os.cpu_count())
    forker = subprocess.run([sys.executable, "-I", "-S", "-c", SPINNERS, str(count)],
                            capture_output=True, text=True, timeout=120)
    spinners = [int(pid) for pid in forker.stdout.split()]
    try:
        time.sleep(1)  # every spinner running
        started = time.monotonic()
        status, cpu = runner.run(attempt, "work", n)
        took = time.monotonic() - started
    finally:
        for pid in spinners:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        runner.stop()
    assert len(spinners) == count
    assert status == "ok", f"timed out after {took:.1f} s"
    print(f"a probe of {cpu:.2f} s of CPU took {took:.1f} s on the wall clock beside {count} spinners")


def test_a_symlinked_topic_file_is_refused(tmp_path):
    (tmp_path / "layers.py").symlink_to(REPO / "solutions" / "layers.py")
    runner = TopicRunner(tmp_path, "layers", Limits(timeout=20), pool.new_log_dir())
    with pytest.raises(Fault, match="symbolic link") as fault:
        runner.run(attempt, "read", "x")
    assert fault.value.status == "failed"
    runner.stop()


@pytest.mark.skipif(sys.platform != "linux", reason="faulthandler's stack dump is read from the worker's log")
def test_a_timeout_names_where_the_submission_was_stuck(tmp_path):
    (tmp_path / "attacks.py").write_text(ATTACKS)
    runner = TopicRunner(tmp_path, "attacks", Limits(timeout=2), pool.new_log_dir())
    runner.run(attempt, "descriptors")  # loaded: the next probe's two seconds are its own
    with pytest.raises(Fault) as fault:
        runner.run(attempt, "spin")
    first = ATTACKS.splitlines().index("def spin():") + 1
    assert fault.value.status == "timeout"
    assert any(f"stuck in attacks.py, line {line}, in spin" in str(fault.value.message) for line in (first + 1, first + 2))
    assert "test_sandbox" not in str(fault.value.message)  # the checks' own frames are never named
    runner.stop()


def test_the_stack_is_read_once_written_not_after_a_fixed_wait(tmp_path):
    log = tmp_path / "worker.log"
    log.write_text("before\n")
    size = log.stat().st_size
    with log.open("a") as stream:
        stream.write("Current thread 0x0001 (most recent call first):\n")
    started = time.monotonic()
    pool._wait_until_written(log, size, started + 30)
    assert time.monotonic() - started < 15  # it did not wait for the deadline


def test_a_log_that_never_grows_is_waited_for_until_the_deadline(tmp_path):
    log = tmp_path / "worker.log"
    log.write_text("before\n")
    started = time.monotonic()
    pool._wait_until_written(log, log.stat().st_size, started + 0.1)
    assert time.monotonic() - started >= 0.1


# --- a class with hostile students ---------------------------------------------------------


def _children() -> set[int]:
    """This process's living children (the dead ones, re-parented here, are reaped)."""
    me = os.getpid()
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == me:
                if fields[0] == "Z":
                    os.waitpid(int(stat.parent.name), os.WNOHANG)
                else:
                    found.add(int(stat.parent.name))
    return found


def _command_line(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()[:200]
    except OSError:
        return b"(gone)"


def _repository_state() -> str:
    return subprocess.run(["git", "status", "--porcelain", "--ignored", "--untracked-files=all"],
                          cwd=REPO, capture_output=True, text=True, check=True).stdout


@confined
def test_hostile_classmates_change_no_grade_no_file_and_leave_no_process(tmp_path):
    """Honest students graded before and after every hostile golden case get full marks; the
    repository and this process's children are as they were."""
    from conftest import run_grader
    from test_golden import GOLDEN, build_submission

    class_dir = tmp_path / "class"
    class_dir.mkdir()
    hostile = sorted(p.name for p in GOLDEN.glob("hostile-*") if (p / "layers.py").is_file())
    for name in hostile:
        (class_dir / name).mkdir()
        build_submission(GOLDEN / name, class_dir / name)
    for honest in ("aaa-honest", "zzz-honest"):
        (class_dir / honest).mkdir()
        (class_dir / honest / "layers.py").write_text((REPO / "solutions" / "layers.py").read_text())
    pool._become_subreaper()  # whatever escapes the grader is re-parented here, to be seen
    # The reference's recording (.cache/, ignored) is made first, so that only the students could change the tree.
    recording.for_topics({"layers": REPO / "tests" / "topics" / "test_layers.py"}, REPO / "solutions")
    before_children, before_files = _children(), _repository_state()
    try:
        process, report = run_grader("--class", str(class_dir), "--topic", "layers", "--timeout", "3")
        time.sleep(1)
        leftovers = {pid: _command_line(pid) for pid in _children() - before_children}  # read before the sweep
    finally:
        pool.stop_abandoned()
    assert process.returncode == 0, process.stderr[-2000:]
    assert report["environment"]["sandbox"] == pool.protection().summary()
    scores = {s["name"]: s["score"] for s in report["submissions"]}
    full = report["submissions"][0]["max_score"]
    assert scores["aaa-honest"] == scores["zzz-honest"] == full, scores
    assert all(report["submissions"][i]["complete"] for i in range(len(scores)))
    assert all(scores[name] < full for name in hostile)
    assert _repository_state() == before_files
    assert not leftovers, leftovers
    assert json.loads((REPO / "tests" / "suite" / "schemas" / "report.json").read_text())


SPINNING_CLASSMATE = """

import os as _os
import time as _time


def _spinners(count):
    for _ in range(count):
        try:
            pid = _os.fork()
        except OSError:
            return  # refused: no spinner at all
        if pid == 0:
            _os.setsid()  # a session (and, where the kernel groups by session, a CPU share) of its own
            end = _time.monotonic() + 60
            while _time.monotonic() < end:
                pass
            _os._exit(0)


import threading as _threading

_threading.Thread(target=_spinners, args=(250,), daemon=True).start()  # the import itself returns at once
_forward = MyLinear.forward


def _held_forward(self, X):
    _time.sleep(0.3)  # its grading goes on, each probe within its limit
    return _forward(self, X)


MyLinear.forward = _held_forward
"""

SLOW_AND_RIGHT = """

import time as _time

_forward = MyLinear.forward


def _slow_forward(self, X):
    end = _time.process_time() + 0.1  # right, but slow: a tenth of a second of CPU each call
    while _time.process_time() < end:
        pass
    return _forward(self, X)


MyLinear.forward = _slow_forward
"""


@pytest.mark.skipif(sys.platform != "linux", reason="the sweep and the probes' clock read /proc")
def test_an_honest_classmate_graded_beside_a_spinning_one_keeps_full_marks(tmp_path):
    """A student who starts 250 spinners, each in a session of its own, costs the classmate graded
    at the same time (--jobs 2), whose right code takes a tenth of a second of CPU a call, no
    point and no timeout; and none of the spinners outlives the grader."""
    from conftest import run_grader

    class_dir = tmp_path / "class"
    solution = (REPO / "solutions" / "layers.py").read_text()
    for name, text in (("aaa-spinning", solution + SPINNING_CLASSMATE), ("bbb-honest", solution + SLOW_AND_RIGHT)):
        (class_dir / name).mkdir(parents=True)
        (class_dir / name / "layers.py").write_text(text)
    pool._become_subreaper()  # whatever escapes the grader is re-parented here, to be seen
    before = _children()
    try:
        process, report = run_grader("--class", str(class_dir), "--topic", "layers", "--jobs", "2", "--timeout", "1")
        leftovers = {pid: _command_line(pid) for pid in _children() - before}  # read before the sweep
    finally:
        pool.stop_abandoned()
    assert process.returncode == 0, process.stderr[-2000:]
    honest = next(s for s in report["submissions"] if s["name"] == "bbb-honest")
    lost = {c["message"] for e in honest["exercises"] for c in e["checks"] if c["status"] not in ("passed", "skipped")}
    assert honest["score"] == honest["max_score"] and honest["complete"], lost
    assert not leftovers, leftovers


def test_a_grading_run_writes_no_bytecode_into_the_grader(tmp_path):
    """The grader writes no .pyc: not itself (python -B), nor any process it starts, the
    private-mount probe's `python -I -S` included (-I ignores PYTHONDONTWRITEBYTECODE)."""
    import shutil

    copy = tmp_path / "repo"
    skip = shutil.ignore_patterns("__pycache__", "*.pyc")
    for part in ("grader", "tests/topics", "tests/recorded", "solutions", "exercises", ".cache/reference"):
        if (REPO / part).is_dir():
            shutil.copytree(REPO / part, copy / part, ignore=skip)
    submission = tmp_path / "submission"
    submission.mkdir()
    (submission / "layers.py").write_text((REPO / "solutions" / "layers.py").read_text())
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    process = subprocess.run([sys.executable, "-B", "-m", "grader", "--submission", str(submission), "--topic", "layers",
                              "--json", str(tmp_path / "grade.json")],
                             cwd=copy, env=environment, capture_output=True, text=True, timeout=600)
    assert process.returncode == 0, process.stderr[-3000:]
    report = json.loads((tmp_path / "grade.json").read_text())
    assert report["score"] == report["max_score"] > 0  # it graded, from the copy
    assert sorted(str(p.relative_to(copy)) for p in copy.rglob("*.pyc")) == []
