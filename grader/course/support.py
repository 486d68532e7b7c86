"""What torchlings runs on: the Python and torch versions it supports, checked before anything
imports torch, so that an environment without them gets a sentence and an exit status rather
than a traceback. Written for any Python 3: an older one must get as far as saying so."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import re
import sys

from grader.course.i18n import _

MINIMUM_PYTHON = (3, 10)
# torch.load's weights_only=True default (2.6) is part of what the checkpoints topic teaches and checks.
MINIMUM_TORCH = (2, 6)
TESTED = "Python 3.11, torch 2.14.1"  # where the suite runs (README: "Where it runs")


def release(version: str) -> tuple:
    """(2, 14) of "2.14.1+cpu": the leading numbers of a version."""
    return tuple(int(part) for part in re.findall(r"\d+", version.split("+")[0])[:2])


def problem(python: tuple = tuple(sys.version_info[:2]), torch_version: str | None = "installed"):
    """Why torchlings cannot run here (a Message), or None. `torch_version`: the installed torch's
    version (read from its metadata, not imported); by default looked up; None: not installed."""
    need_python = ".".join(map(str, MINIMUM_PYTHON))
    need_torch = ".".join(map(str, MINIMUM_TORCH))
    if tuple(python) < MINIMUM_PYTHON:
        return _("torchlings needs Python {need} or newer; this is Python {have}",
                 need=need_python, have=".".join(map(str, python)))
    if torch_version == "installed":
        torch_version = installed_torch()
    if torch_version is None:
        return _("torchlings needs PyTorch (torch {need} or newer), which this Python ({python}) cannot import: "
                 "install it, or run torchlings with the Python of the environment that has it",
                 need=need_torch, python=sys.executable)
    if torch_version and release(torch_version) < MINIMUM_TORCH:
        return _("torchlings needs torch {need} or newer; this environment has torch {have}",
                 need=need_torch, have=torch_version)
    return None


def installed_torch() -> str | None:
    """The installed torch's version ("" where it has no metadata), or None without torch."""
    if importlib.util.find_spec("torch") is None:
        return None
    try:
        return importlib.metadata.version("torch")
    except importlib.metadata.PackageNotFoundError:
        return ""
