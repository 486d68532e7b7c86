"""What a check file (`tests/topics/test_<topic>.py`) is written with.

- `probing`: helpers for probes, the functions that run in a worker on the student's (or the
  reference's) code and return plain data: inputs, weights set by name, gradients;
- `expect`: the comparisons a check makes on the trusted side (`expect_close`, `expect_equal`,
  ...) and the exceptions a check ends with.

Both are imported in workers too, so they import only `grader.course`.
"""
