"""torchlings' grader. Its packages follow a student's code from stub to report; each imports only
the packages listed above it:

    course/     facts about the course and the words a student reads (paths, topics, messages, guides)
    checks/     what a check file is written with: probes (run in workers) and comparisons
    workers/    the process boundary: the sandboxed processes where student code runs, and the
                plain-data replies they send back
    verdict/    the pytest session that asks workers for results, judges them and counts points
    reports/    the table, the JSON, Gradescope's results and the class report
    commands/   `python -m grader COMMAND`: grade, class, watch, hint, merge, release
    authoring/  the instructor's tools: stubs and the exercise list from solutions/, message catalogues
                (beside commands: neither imports the other)

`tests/suite/test_layout.py` holds the code to this order.
"""
import os
import sys

# The grader and its fork server write no bytecode into the repository (workers cannot write
# there at all under the sandbox; see README, "The sandbox"), however it was started: `python -m
# grader`, the `torchlings` command or pytest.
sys.dont_write_bytecode = True
os.environ["PYTHONDONTWRITEBYTECODE"] = "1"
