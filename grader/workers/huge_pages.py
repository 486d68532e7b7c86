"""Imported last by a fork server that will fork many workers (a class run): its memory is
moved into huge pages, which makes every fork and every worker's exit several times cheaper.

Importing torch leaves a few hundred MiB of anonymous memory (the C++ heap, Python's
objects). A fork copies one page-table entry for each of its 4 KiB pages and an exit frees
them all: about 30 ms of CPU per worker here, ten workers a student. In 2 MiB pages the
same memory takes 512 times fewer entries. Collapsing it once costs most of a second, which
a single grading run would wait for, so only class runs ask for it (`pool.warm_up`).

Linux 6.1 or newer (MADV_COLLAPSE); elsewhere, or where transparent huge pages are off,
nothing changes.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import sys

MADV_HUGEPAGE = 14  # from <asm-generic/mman-common.h>
MADV_COLLAPSE = 25
HUGE = 2 << 20


def writable_private_regions() -> list[tuple[int, int]]:
    """(start, end) of this process's private writable anonymous mappings and heap, in whole huge pages."""
    regions = []
    with open("/proc/self/maps") as maps:
        for line in maps:
            fields = line.split()
            if fields[1] != "rw-p" or (len(fields) > 5 and fields[5] != "[heap]"):
                continue
            start, end = (int(part, 16) for part in fields[0].split("-"))
            start, end = -(-start // HUGE) * HUGE, end // HUGE * HUGE
            if end > start:
                regions.append((start, end))
    return regions


def collapse() -> int:
    """Move what can be moved into huge pages; the number of regions that were."""
    if not sys.platform.startswith("linux"):
        return 0
    with contextlib.suppress(OSError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
        done = 0
        for start, end in writable_private_regions():
            libc.madvise(start, end - start, MADV_HUGEPAGE)  # also keeps later growth in huge pages
            done += libc.madvise(start, end - start, MADV_COLLAPSE) == 0
        return done
    return 0


gc.freeze()  # what was preloaded after grader.workers.preload, too: see there
collapse()
