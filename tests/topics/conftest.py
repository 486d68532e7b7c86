"""`pytest tests/topics/...` (and plain `pytest` in a student release) grades the exercises:
see grader/commands/pytest_plugin.py. `python -m grader` never reads this file (--noconftest)."""

import pytest

from grader.course import i18n, support

problem = support.problem()
if problem is None:
    pytest_plugins = ["grader.verdict.plugin", "grader.commands.pytest_plugin"]
else:  # no torch, or one too old: a sentence and a usage error (exit status 4), not a traceback

    def pytest_configure(config):
        raise pytest.UsageError(i18n.translator().render(i18n._("grader: {problem}", problem=problem)))
