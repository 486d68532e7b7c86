import ctypes
import os
import platform
import time

CLONE_PARENT, SIGCHLD = 0x8000, 17


def _sibling() -> None:
    """A process beside the worker: its parent is the worker's parent (the fork server)."""
    number = {"x86_64": 56, "aarch64": 220}.get(platform.machine())
    if number is None:
        return
    if ctypes.CDLL(None, use_errno=True).syscall(number, CLONE_PARENT | SIGCHLD, 0, 0, 0, 0) == 0:
        os.setsid()  # out of the worker's process group and session
        time.sleep(60)
        os._exit(0)


_sibling()
