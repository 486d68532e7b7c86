"""Imported once by the fork server, before it forks any worker: what every worker shares."""

import pytest  # noqa: F401 - check files import it; loading it once saves every worker the time
import torch  # noqa: F401
import torch._dynamo  # noqa: F401 - the first torch.optim optimizer imports it: a second or more per worker

import contextlib
import gc

import grader.checks.expect  # noqa: F401
import grader.checks.probing  # noqa: F401
import grader.workers.sandbox
import grader.workers.serve  # noqa: F401

# What workers confine themselves with, where present (pyseccomp raises RuntimeError without libseccomp).
with contextlib.suppress(ImportError, OSError, RuntimeError):
    import landlockpy
    import pyseccomp  # noqa: F401

    # landlockpy finds libc (ctypes.util.find_library runs `ldconfig -p`) on its first call
    # and keeps it: called once here, no worker spawns that process again.
    landlockpy.abi_version()

# The seccomp filter every worker loads, built here once (a few milliseconds each worker saves).
with contextlib.suppress(Exception):  # noqa: BLE001 - no libseccomp here: each worker says so when it confines
    grader.workers.sandbox.worker_filter()

grader.workers.sandbox.harden_trusted_process()  # the fork server: no worker may ptrace it or read its memory

# What is imported by now lives as long as the fork server: out of the garbage collector's
# sight, no worker's collection walks it again, nor copies the pages it would touch.
gc.freeze()
