"""The instructor's tools, beside the commands (neither imports the other).

- `stubs`: `exercises/` from `solutions/` (`python -m grader.authoring.stubs [--check]`);
- `guide`: `docs/EXERCISES.md` (`python -m grader.authoring.guide [--check]`);
- `messages`: the message catalogues (`python -m grader.authoring.messages update|check|unmarked`).
"""
