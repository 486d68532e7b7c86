"""Imported once by the fork server, before it forks any worker: what every worker shares."""

import pytest  # noqa: F401 - check files import it; loading it once saves every worker the time
import torch  # noqa: F401
import torch._dynamo  # noqa: F401 - the first torch.optim optimizer imports it: a second or more per worker

import grader.checks  # noqa: F401
import grader.probing  # noqa: F401
import grader.worker  # noqa: F401
