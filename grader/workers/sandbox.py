"""Confinement of the worker processes, and the trusted process's own hardening.

`probe()` finds out what this machine can enforce, trying every feature on its own (a
kernel may claim a Landlock ABI and still lack a flag); `confine()` applies it in a worker,
after the worker has imported what it needs and before it imports any topic file:

- Landlock: read and execute only Python's installation, the system libraries, the grader's
  own modules and the topic's own directory (read only); write only the worker's private temporary directory;
  no TCP bind or connect; no signal and no abstract Unix socket outside the worker.
- seccomp: no new socket of any family, no new process (threads only), and none of the calls
  that reach into other processes (ptrace, process_vm_*, prlimit on another pid, ...): they
  fail with EPERM.
  Where Landlock cannot scope signals, seccomp lets a worker signal only its own group.
- limits (core dumps, file size, processes), a lower priority than the trusted processes
  (nice WORKER_NICE) and, when started as root, uid/gid 65534.
- the private temporary directory: a tmpfs of at most PRIVATE_DIR_LIMIT bytes, mounted in a
  mount namespace of the worker's own (a user namespace too when not root) where the kernel
  lets it make one; elsewhere only each file's size is capped (RLIMIT_FSIZE): nothing the
  kernel offers an unprivileged process bounds how many files it creates.

Everything degrades: a missing feature is left out and `Protection.summary()` says so.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import functools
import glob
import os
import platform
import stat
import sys
from dataclasses import asdict, dataclass, replace
from pathlib import Path

with contextlib.suppress(ImportError):  # not on Windows, where nothing is confined
    import resource

NOBODY = 65534  # the uid and gid workers drop to when started as root
FILE_SIZE_LIMIT = 64 << 20  # bytes any one file a worker writes may reach
PRIVATE_DIR_LIMIT = 256 << 20  # bytes a worker's private directory may hold in all, where a tmpfs can cap it
PROCESS_MARGIN = 256  # processes (threads included) a worker may add to its uid's count
WORKER_NICE = 10  # how much nicer a worker is than the grader: the trusted processes that judge its replies come first
PR_SET_DUMPABLE = 4  # from <linux/prctl.h>

# Calls that reach other processes or the network; denied with EPERM in every worker.
DENIED_CALLS = (
    "socket", "ptrace", "process_vm_readv", "process_vm_writev", "process_madvise", "kcmp",
    "perf_event_open", "pidfd_getfd", "keyctl", "add_key", "request_key", "bpf", "userfaultfd",
    "io_uring_setup", "unshare", "setns",
    # what only root could do, should a worker still run as root (its capabilities are dropped too)
    "init_module", "finit_module", "delete_module", "kexec_load", "kexec_file_load", "reboot",
    "swapon", "swapoff", "mount", "umount2", "pivot_root", "chroot", "acct", "open_by_handle_at",
    "iopl", "ioperm", "syslog", "quotactl", "settimeofday", "clock_settime", "adjtimex",
    "clock_adjtime", "sethostname", "setdomainname", "fanotify_init",
)
# clone(2) flags no worker needs: a parent other than itself (CLONE_PARENT makes a sibling, a
# child of the fork server, that neither the worker's group kill nor its parent's wait sees),
# and namespaces of its own. From <linux/sched.h>.
DENIED_CLONE_FLAGS = {
    "CLONE_PARENT": 0x00008000, "CLONE_NEWNS": 0x00020000, "CLONE_NEWCGROUP": 0x02000000,
    "CLONE_NEWUTS": 0x04000000, "CLONE_NEWIPC": 0x08000000, "CLONE_NEWUSER": 0x10000000,
    "CLONE_NEWPID": 0x20000000, "CLONE_NEWNET": 0x40000000,
}
CLONE_THREAD = 0x00010000  # a new thread of the worker, not a new process
# Calls denied when their `pid` argument (the index given) names another process, not 0.
DENIED_FOR_OTHERS = (
    ("prlimit64", 0), ("setpriority", 1), ("ioprio_set", 1), ("sched_setaffinity", 0),
    ("sched_setscheduler", 0), ("sched_setparam", 0), ("sched_setattr", 0),
    ("migrate_pages", 0), ("move_pages", 0),
)


@dataclass(frozen=True)
class Protection:
    """What confines a worker here: each field a feature that was probed (or applied)."""

    system: str  # platform.system(): "Linux", "Darwin", "Windows"
    landlock_abi: int = 0  # 0: no Landlock
    fs: bool = False  # Landlock file access rules
    net: bool = False  # Landlock TCP bind/connect rules (ABI 4)
    signals: bool = False  # Landlock signal scoping (ABI 6)
    unix: bool = False  # Landlock abstract Unix socket scoping (ABI 6)
    seccomp: bool = False  # the seccomp filter of DENIED_CALLS
    uid: int | None = None  # when started as root: the uid workers run as (0: root without capabilities)
    tmp_size: int = 0  # bytes the private directory may hold in all (a tmpfs); 0: each file capped only
    note: str = ""  # why something is missing, when that needs saying

    @property
    def full(self) -> bool:
        """Whether every way out is closed: files by Landlock; sockets, other processes and
        (where Landlock cannot scope them) signals by seccomp; TCP by both where it can."""
        return self.fs and self.seccomp

    def summary(self) -> str:
        if self.system != "Linux":
            name = {"Darwin": "macOS"}.get(self.system, self.system)
            return f"none ({name})"
        parts = []
        if self.landlock_abi:
            kinds = [k for k, on in (("files", self.fs), ("network", self.net), ("signals", self.signals)) if on]
            parts.append(f"landlock {self.landlock_abi} ({', '.join(kinds) or 'nothing usable'})")
        else:
            parts.append("no landlock")
        if self.seccomp:
            parts.append("seccomp" if self.signals else "seccomp (signals too)")
        else:
            parts.append("no seccomp")
        if self.tmp_size:
            parts.append(f"tmp {self.tmp_size >> 20} MiB")
        else:
            parts.append(f"tmp per file {FILE_SIZE_LIMIT >> 20} MiB")
        if self.uid is not None:
            parts.append(f"uid {self.uid}" + (" without capabilities" if self.uid == 0 else ""))
        text = ", ".join(parts)
        return f"{text} ({self.note})" if self.note else text

    def as_dict(self) -> dict:
        return {"full": self.full, **asdict(self)}


def probe() -> Protection:
    """What this machine can enforce, each feature tried on its own."""
    system = platform.system()
    if system != "Linux":
        return Protection(system)
    try:
        import landlockpy
        from landlockpy import AccessFS, AccessNet, Ruleset, Scope, fs_for_abi

        abi = landlockpy.abi_version()
    except Exception:  # noqa: BLE001 - no usable Landlock, whatever the reason
        abi = 0

    def works(**handled) -> bool:
        handled = {"handled_fs": AccessFS.NONE, "handled_net": AccessNet.NONE, **handled}
        try:
            Ruleset(best_effort=False, **handled).close()
        except Exception:  # noqa: BLE001
            return False
        return True

    fs = net = signals = unix = False
    if abi:
        fs = works(handled_fs=fs_for_abi(abi))  # every file right the worker's ruleset handles
        net = works(handled_net=AccessNet.BIND_TCP | AccessNet.CONNECT_TCP)
        signals = works(scoped=Scope.SIGNAL)
        unix = works(scoped=Scope.ABSTRACT_UNIX_SOCKET)
    uid, note = None, ""
    if os.geteuid() == 0:
        unreadable = [p for p in _python_dirs() if not readable_by_others(p)]
        if unreadable:
            uid, note = 0, f"uid {NOBODY} cannot read {unreadable[0]}"
        else:
            uid = NOBODY
    tmp_size = PRIVATE_DIR_LIMIT if _private_mount_works() else 0
    return Protection(system, abi, fs, net, signals, unix, _seccomp_works(), uid, tmp_size, note)


def _private_mount_works() -> bool:
    """Whether a new process can mount a size-capped tmpfs in a namespace of its own (tried in
    a child: this process may have threads, and must keep its own namespaces)."""
    import subprocess
    import tempfile

    code = ("import sys, pathlib; sys.path.insert(0, sys.argv[1]); from grader.workers.sandbox import mount_private_dir;"
            " mount_private_dir(pathlib.Path(sys.argv[2]), 1 << 20)")
    with tempfile.TemporaryDirectory(prefix="torchlings-probe-") as place:
        try:
            done = subprocess.run([sys.executable, "-I", "-S", "-B", "-c", code, str(Path(__file__).parents[2]), place],
                                  capture_output=True, timeout=30)
        except (OSError, subprocess.SubprocessError):
            return False
    return done.returncode == 0


def _seccomp_works() -> bool:
    try:
        _seccomp_filter(signals=True)
    except Exception:  # noqa: BLE001 - no libseccomp, or it cannot build this filter
        return False
    return True


@functools.cache
def worker_filter():
    """The seccomp filter of a worker whose signals Landlock scopes: the same for every worker
    (no pid in it), so built once, by the fork server (grader.workers.preload), and only loaded
    by each worker: building it costs a few milliseconds, twice a topic per student."""
    return _seccomp_filter(signals=False)


def _seccomp_filter(signals: bool = False):
    """The filter of DENIED_CALLS; with `signals`, also one that lets this process signal only
    its own process group and threads (for kernels without Landlock's signal scoping)."""
    import pyseccomp

    deny = pyseccomp.ERRNO(errno.EPERM)
    rules = pyseccomp.SyscallFilter(pyseccomp.ALLOW)
    for name in DENIED_CALLS:
        rules.add_rule(deny, name)
    # Threads, yes; processes, no: a worker never needs one, and a process of its own could
    # leave its session, outlive it and share out the CPUs among hundreds of spinners.
    # clone3's flags sit in memory, out of seccomp's sight: ENOSYS makes libc fall back to
    # clone, whose flags it can read.
    rules.add_rule(pyseccomp.ERRNO(errno.ENOSYS), "clone3")
    rules.add_rule(deny, "clone", pyseccomp.Arg(0, pyseccomp.MASKED_EQ, CLONE_THREAD, 0))
    for flag in DENIED_CLONE_FLAGS.values():
        rules.add_rule(deny, "clone", pyseccomp.Arg(0, pyseccomp.MASKED_EQ, flag, flag))
    for name in ("fork", "vfork"):  # x86-64 has them; newer architectures only clone
        with contextlib.suppress(Exception):  # noqa: BLE001 - no such call here: nothing to deny
            rules.add_rule(deny, name)
    for name, pid_argument in DENIED_FOR_OTHERS:
        rules.add_rule(deny, name, pyseccomp.Arg(pid_argument, pyseccomp.NE, 0))
    if signals:
        me = os.getpid()
        rules.add_rule(deny, "kill", pyseccomp.Arg(0, pyseccomp.NE, 0))  # kill(0, sig): its own group only
        for name in ("tgkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo"):  # raise() and its threads
            rules.add_rule(deny, name, pyseccomp.Arg(0, pyseccomp.NE, me))
        for name in ("tkill", "pidfd_send_signal"):
            rules.add_rule(deny, name)
    return rules


def _python_dirs() -> list[Path]:
    """Where Python and its packages live (real paths, symlinks followed)."""
    import site

    places = {sys.prefix, sys.base_prefix, sys.exec_prefix, *site.getsitepackages()}
    places |= {p for p in sys.path if p and "site-packages" in p}
    return sorted({Path(p).resolve() for p in places if Path(p).exists()})


def readable_by_others(path: Path) -> bool:
    """Whether a process of another uid, in no group of ours, may read `path` (mode bits only)."""
    path = Path(path)
    for ancestor in reversed(path.parents):
        if not os.stat(ancestor).st_mode & stat.S_IXOTH:
            return False
    mode = os.stat(path).st_mode
    return bool(mode & stat.S_IROTH) and (not stat.S_ISDIR(mode) or bool(mode & stat.S_IXOTH))


# --- the worker's side -------------------------------------------------------------------


def confine(protection: Protection, *, read: list[Path], write: Path, keep_fds: list[int]) -> Protection:
    """Confine this process (a worker) for good; return what was applied.

    `read`: directories (or files) it may read besides Python and the system libraries;
    `write`: its private temporary directory; `keep_fds`: the descriptors it keeps open
    besides stdin, stdout and stderr.
    """
    if protection.system != "Linux":
        return protection
    _close_fds_except(keep_fds)
    _set_limits(protection.uid)
    _scrub_environment(write)
    applied, rules = protection, None
    if protection.tmp_size:
        try:
            mount_private_dir(write, protection.tmp_size)  # before Landlock's rules open `write`
        except OSError as exc:
            applied = replace(applied, tmp_size=0, note=f"private tmpfs failed: {exc}")
        os.chdir(write)  # the tmpfs, not the directory beneath it
    if protection.fs or protection.net or protection.signals:
        try:
            rules = _landlock_rules(protection, read, write)  # opens the paths: before dropping root
        except Exception as exc:  # noqa: BLE001 - report it rather than die
            applied = replace(applied, fs=False, net=False, signals=False, unix=False,
                              note=f"landlock failed: {exc}")
    if protection.uid not in (None, 0):
        os.chown(write, protection.uid, protection.uid)
        os.setgroups([])
        os.setgid(protection.uid)
        os.setuid(protection.uid)
    elif os.geteuid() == 0:
        drop_capabilities()
    set_no_new_privileges()
    if rules is not None:
        with rules:
            rules.restrict()
    if protection.seccomp:
        try:
            (worker_filter() if applied.signals else _seccomp_filter(signals=True)).load()
        except Exception as exc:  # noqa: BLE001
            applied = replace(applied, seccomp=False, note=f"seccomp failed: {exc}")
    return applied


CLONE_NEWNS, CLONE_NEWUSER = 0x00020000, 0x10000000  # from <linux/sched.h>
MS_NOSUID, MS_NODEV, MS_REC, MS_PRIVATE = 2, 4, 0x4000, 1 << 18  # from <linux/mount.h>


def mount_private_dir(path: Path, size: int) -> None:
    """Mount a tmpfs of at most `size` bytes on `path`, seen by this process and its children
    alone: in a new mount namespace (and, unless root, a new user namespace, whose capabilities
    are given up once mounted). This process must have a single thread."""
    if _threads() != 1:
        raise OSError(errno.EINVAL, "a namespace of its own needs a single thread")
    libc = ctypes.CDLL(None, use_errno=True)
    uid, gid = os.geteuid(), os.getegid()
    _check(libc.unshare(CLONE_NEWNS if uid == 0 else CLONE_NEWNS | CLONE_NEWUSER), "unshare")
    if uid != 0:
        Path("/proc/self/setgroups").write_text("deny")
        Path("/proc/self/uid_map").write_text(f"{uid} {uid} 1")
        Path("/proc/self/gid_map").write_text(f"{gid} {gid} 1")
    # no mount of ours may reach the namespace we came from
    _check(libc.mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None), "mount --make-rprivate /")
    options = f"size={size},nr_inodes={max(size >> 12, 1024)},mode=0700".encode()
    _check(libc.mount(b"tmpfs", os.fsencode(path), b"tmpfs", MS_NOSUID | MS_NODEV, options), "mount tmpfs")
    if uid != 0:
        drop_capabilities()  # those the new user namespace gave


def _check(result: int, call: str) -> None:
    if result != 0:
        number = ctypes.get_errno()
        raise OSError(number, f"{call}: {os.strerror(number)}")


def _threads() -> int:
    return int(Path("/proc/self/status").read_text().split("\nThreads:", 1)[1].split()[0])


def _close_fds_except(keep: list[int]) -> None:
    """Close every descriptor but stdin, stdout, stderr and `keep` (listed, not counted up to
    a limit that may be a billion)."""
    for fd in map(int, os.listdir("/proc/self/fd")):
        if fd > 2 and fd not in keep:
            with contextlib.suppress(OSError):  # the listing's own descriptor is gone already
                os.close(fd)


def _set_limits(uid: int | None) -> None:
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    _lower(resource.RLIMIT_FSIZE, FILE_SIZE_LIMIT)
    with contextlib.suppress(OSError):
        os.nice(WORKER_NICE)  # on top of the grader's own (the kernel stops at 19)
    target = os.getuid() if uid is None else uid
    if target != 0:
        _lower(resource.RLIMIT_NPROC, tasks_of(target) + PROCESS_MARGIN)


def _lower(limit: int, value: int) -> None:
    soft, hard = resource.getrlimit(limit)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    resource.setrlimit(limit, (value, value))


def tasks_of(uid: int) -> int:
    """How many tasks (threads included: what RLIMIT_NPROC counts) `uid` runs now."""
    # One os.open/os.read a process (each worker counts at its start; glob and pathlib reads
    # cost it several milliseconds with a few hundred processes).
    count = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            descriptor = os.open(f"/proc/{entry.name}/status", os.O_RDONLY)
        except OSError:  # gone since
            continue
        try:
            text = os.read(descriptor, 8192)
        except OSError:
            continue
        finally:
            os.close(descriptor)
        with contextlib.suppress(IndexError, ValueError):
            if int(text.split(b"\nUid:", 1)[1].split()[0]) == uid:
                count += int(text.split(b"\nThreads:", 1)[1].split()[0])
    return count


# What a worker's environment keeps; HOME and TMPDIR become its private directory.
KEPT_VARIABLES = ("PATH", "LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "LC_MESSAGES", "TZ", "TERM",
                  "CUDA_VISIBLE_DEVICES", "CUBLAS_WORKSPACE_CONFIG", "LD_LIBRARY_PATH",
                  "OMP_NUM_THREADS", "MKL_NUM_THREADS", "PYTHONHASHSEED")


def _scrub_environment(private: Path) -> None:
    """Keep only KEPT_VARIABLES, and wipe the inherited copy of the grader's environment."""
    kept = {k: v for k, v in os.environ.items() if k in KEPT_VARIABLES}
    os.environ.clear()
    _wipe_initial_environment()
    os.environ.update(kept, HOME=str(private), TMPDIR=str(private), TMP=str(private), TEMP=str(private))
    import tempfile

    tempfile.tempdir = str(private)


def _wipe_initial_environment() -> None:
    """Zero the block /proc/self/environ shows: the environment this process was started with."""
    with contextlib.suppress(OSError, ValueError, IndexError):
        fields = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
        start, end = int(fields[47]), int(fields[48])  # env_start and env_end (fields 50 and 51)
        if 0 < start < end:
            ctypes.memset(start, 0, end - start)


class _CapabilityHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapabilitySets(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]


def drop_capabilities() -> None:
    """Give up every capability (root stays uid 0, but as powerless as any other uid)."""
    header = _CapabilityHeader(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3: two sets of 32 bits
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.capset(ctypes.byref(header), (_CapabilitySets * 2)()) != 0:
        raise OSError(ctypes.get_errno(), "capset")


def set_no_new_privileges() -> None:
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(38, 1, 0, 0, 0)  # PR_SET_NO_NEW_PRIVS


def _landlock_rules(protection: Protection, read: list[Path], write: Path):
    """The worker's Landlock ruleset, ready to enforce."""
    from landlockpy import AccessFS, AccessNet, Ruleset, Scope, fs_for_abi

    every = fs_for_abi(protection.landlock_abi) if protection.fs else AccessFS.NONE
    file_rights = every & (AccessFS.EXECUTE | AccessFS.READ_FILE | AccessFS.WRITE_FILE
                           | AccessFS.TRUNCATE | AccessFS.IOCTL_DEV)
    read_file = AccessFS.READ_FILE
    read_dir = AccessFS.READ_FILE | AccessFS.READ_DIR
    executable = read_dir | AccessFS.EXECUTE
    scoped = Scope.NONE
    if protection.signals:
        scoped |= Scope.SIGNAL
    if protection.unix:
        scoped |= Scope.ABSTRACT_UNIX_SOCKET
    net = AccessNet.BIND_TCP | AccessNet.CONNECT_TCP if protection.net else AccessNet.NONE
    rules = Ruleset(handled_fs=every, handled_net=net, scoped=scoped)
    try:

        def allow(path, rights):
            path = Path(path)
            if not path.exists():
                return
            if not path.is_dir():
                rights &= file_rights
            rules.allow_path(path.resolve(), rights)

        for place in [*_python_dirs(), Path(__file__).parents[1]]:  # Python, its packages, the grader's modules
            allow(place, executable)
        for place in ("/usr/lib", "/usr/lib64", "/lib", "/lib64", "/usr/local/lib", "/usr/share",
                      "/etc/ld.so.cache", "/etc/localtime", "/sys", "/proc/cpuinfo", "/proc/meminfo",
                      "/proc/stat", "/proc/loadavg", "/proc/sys", "/proc/modules", "/proc/driver/nvidia", "/dev/urandom", "/dev/random", "/dev/zero"):
            allow(place, executable)
        allow(f"/proc/{os.getpid()}", read_dir)  # /proc/self: its own entries only
        allow("/dev/null", read_file | AccessFS.WRITE_FILE | AccessFS.TRUNCATE)
        for device in glob.glob("/dev/nvidia*"):  # CUDA's devices
            allow(device, read_dir | AccessFS.WRITE_FILE | AccessFS.IOCTL_DEV)
        for place in read:
            allow(place, read_dir)
        allow(write, every & ~(AccessFS.MAKE_CHAR | AccessFS.MAKE_BLOCK))
    except BaseException:
        rules.close()
        raise
    return rules


# --- the trusted side --------------------------------------------------------------------


def harden_trusted_process() -> None:
    """No other process of our uid may ptrace this one or read its memory (PR_SET_DUMPABLE 0)."""
    if sys.platform != "linux":
        return
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
