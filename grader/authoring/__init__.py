"""The instructor's tools, beside the commands (neither imports the other).

- `stubs`: `exercises/` from `solutions/` (`python -m grader.authoring.stubs [--check]`);
- `notebook_stubs`: `notebooks/`, one notebook per topic, from the same source
  (`python -m grader.authoring.notebook_stubs [--check]`);
- `guide`: `docs/EXERCISES.md` (`python -m grader.authoring.guide [--check]`);
- `messages`: the message catalogues (`python -m grader.authoring.messages update|check|unmarked`).
"""
