"""What a check file (`tests/topics/test_<topic>.py`) is written with.

- `probing`: helpers for probes (the probes are the check files' functions that a worker runs
  on the student's, or the reference's, code and that return plain data): inputs, weights set
  by name, gradients, all salted by the course's secret where it is in force;
- `expect`: the comparisons a check makes on the trusted side (`expect_close`, `expect_equal`,
  ...) and the exceptions a check ends with;
- `hidden`: hidden checks cut out of a check file (for the student release and for the workers
  that run public probes).

All are imported in workers too, so they import only `grader.course`.
"""
