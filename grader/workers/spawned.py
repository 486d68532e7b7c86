"""A worker started by `spawn`, where there is no fork server (Windows; TORCHLINGS_START_METHOD=spawn).

Its `serve` first imports what the fork server would have imported for it (`preload`), what it
confines itself with included (found before it is confined), then serves as any worker does.
Nothing here is imported at the top: the trusted process names this module without paying for torch.
"""

from __future__ import annotations


def serve(conn, directory: str, topic: str, settings) -> None:
    import grader.workers.preload  # noqa: F401 - the fork server's imports (torch...): no fork server here
    from grader.workers import serve as worker  # imports torch: in the worker only

    worker.serve(conn, directory, topic, settings)
