import os
import time


def _chain(depth: int) -> None:
    if depth == 0:
        return
    if os.fork() == 0:
        os.setsid()
        _chain(depth - 1)
        time.sleep(60)
        os._exit(0)


_chain(12)
