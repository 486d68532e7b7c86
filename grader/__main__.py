import os
import sys

# The grader and its fork server write no bytecode into the repository (workers cannot write
# there at all under the sandbox; see README, "The sandbox").
sys.dont_write_bytecode = True
os.environ["PYTHONDONTWRITEBYTECODE"] = "1"

from grader.commands.main import main  # noqa: E402

status = main()
# Every report is written and every worker stopped by now; skip the interpreter's teardown,
# which with torch loaded takes most of a second.
sys.stdout.flush()
sys.stderr.flush()
os._exit(status)
