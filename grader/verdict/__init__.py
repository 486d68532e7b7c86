"""Where a verdict is made: a pytest session, in the trusted process, over the check files.

- `session`: runs the checks for one submission (or many: `plugin.ClassSession`);
- `plugin`: the pytest plugin: the `grade` and `device` fixtures, each check's outcome;
- `recording`: the reference's results, recorded once and read back as plain data
  (`record_reference` records them, in a process of its own);
- `scoring`: the points rule, one pure function.

Imports `grader.course`, `grader.checks` and `grader.workers`.
"""
