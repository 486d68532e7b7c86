import os
import sys

from grader.cli import main

status = main()
# Every report is written and every worker stopped by now; skip the interpreter's teardown,
# which with torch loaded takes most of a second.
sys.stdout.flush()
sys.stderr.flush()
os._exit(status)
