from helper import *  # noqa: E402,F401,F403 - helper.py is a link to the reference solution
