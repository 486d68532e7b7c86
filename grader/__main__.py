import os
import sys

# The grader and its fork server write no bytecode into the repository (workers cannot write
# there at all under the sandbox; see README, "The sandbox").
sys.dont_write_bytecode = True
os.environ["PYTHONDONTWRITEBYTECODE"] = "1"

from grader.course import support  # noqa: E402 - imports nothing a Python too old would choke on

if __name__ == "__main__":  # not when a spawned worker imports the main module again
    if sys.version_info < support.MINIMUM_PYTHON:
        sys.stderr.write(f"grader: {support.problem()}\n")
        sys.exit(3)

    from grader.commands.main import main

    status = main()
    # Every report is written and every worker stopped by now; skip the interpreter's teardown,
    # which with torch loaded takes most of a second.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
