"""`pytest tests/topics/...` (and plain `pytest` in a student release) grades the exercises:
see grader/commands/pytest_plugin.py. `python -m grader` never reads this file (--noconftest)."""

pytest_plugins = ["grader.verdict.plugin", "grader.commands.pytest_plugin"]
