"""What a check's message shows of a value a worker sent: a few items of it, built alone."""

import os

import pytest

from grader.checks.expect import CheckFailed, expect_equal
from grader.workers.pool import qualified_name


def test_a_message_reprs_only_the_items_it_shows():
    """A reply may hold 200,000 values: repr of the whole, clipped afterwards, took minutes and GiBs."""
    calls = []

    class Counted:
        def __repr__(self):
            calls.append(1)
            return "counted"

    with pytest.raises(CheckFailed) as failed:
        expect_equal([Counted() for _ in range(100_000)], [1], "the result")
    assert "counted" in str(failed.value.message)
    assert len(calls) <= 10


@pytest.mark.timeout(60)
def test_naming_a_stuck_function_never_opens_a_fifo_a_worker_names(tmp_path):
    """The file of a frame is the worker's text: a FIFO there must not block the trusted side."""
    fifo = tmp_path / "layers.py"
    os.mkfifo(fifo)
    assert qualified_name(str(fifo), 3, "forward") == "forward"
