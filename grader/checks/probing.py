"""Helpers for probes: the functions a check runs inside a worker on a topic module.

A probe is a module-level function `probe(topic_module, *args)` in a check file. It runs in
a worker (on the submission, and again on the reference) and returns plain data. These
helpers make the same inputs and weights on both sides, however the module was written.

Every seed they take goes through `salted`: on the course's grader (where the solutions are at
hand) each grading run draws a secret, and the grader runs every probe, and every check that
makes inputs itself, inside `secret(that salt)`, so that its inputs and weights are ones no
student file holds the reference's results for; the reference is then run for the same secret
in a worker of its own. Without a secret (salt 0) the seeds are what they say: the inputs of
the public recording a student release ships.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import zlib

import torch
from torch import nn


_salt = 0  # the secret of the probe or check running now (0: none); set only by `secret`


@contextlib.contextmanager
def secret(salt: int):
    """Within this block, every seed of these helpers is salted with `salt` (0: left as it is)."""
    global _salt
    previous, _salt = _salt, int(salt)
    try:
        yield
    finally:
        _salt = previous


def salted(seed: int) -> int:
    """The seed a probe's `seed` stands for under the current secret: `seed` itself without one."""
    if not _salt:
        return seed
    digest = hashlib.blake2b(f"{_salt}:{seed}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1


def generator(seed: int = 0) -> torch.Generator:
    """A CPU generator seeded with `salted(seed)`."""
    return torch.Generator().manual_seed(salted(seed))


def size(n: int, seed: int) -> int:
    """A size (a width, a count) for a network or data set a probe builds itself: `n` without a secret,
    else one drawn from n + 1 .. 2n by `salted(seed)` (never n itself, whose results the public recording
    holds), so that facts such as parameter counts and shapes are ones no student file holds the
    reference's results for."""
    if not _salt or n < 1:
        return n
    return n + 1 + salted(seed) % n


def seed_torch(seed: int = 0) -> None:
    """`torch.manual_seed(salted(seed))`: the global RNG, for code that draws from it."""
    torch.manual_seed(salted(seed))


def reference_side(probe):
    """Mark a probe that computes what the reference is compared with and never touches the topic
    module (a torch.optim twin's run): it runs on the reference's side only, and a submission's
    workers are not even sent its code (grader.checks.hidden)."""
    probe.reference_side = True
    return probe


def inputs(*shape: int, seed: int = 0, device: str = "cpu", dtype=torch.float32) -> torch.Tensor:
    """Standard normal inputs, the same for a seed on every device."""
    generator = torch.Generator().manual_seed(salted(seed))
    return torch.randn(*shape, generator=generator, dtype=dtype).to(device)


def fill_parameters(module: nn.Module, seed: int = 0) -> nn.Module:
    """Give every parameter values that depend only on its name, shape and `seed`.

    Two modules with the same parameter names and shapes then compute the same function,
    whatever order their layers were created in.
    """
    with torch.no_grad():
        for name, parameter in module.named_parameters():
            generator = torch.Generator().manual_seed(salted(seed * 7919 + zlib.crc32(name.encode())))
            fan_in = math.prod(parameter.shape[1:]) if parameter.dim() > 1 else parameter.numel()
            bound = 1.0 / math.sqrt(max(fan_in, 1))
            values = (torch.rand(parameter.shape, generator=generator, dtype=torch.float64) * 2 - 1) * bound
            parameter.copy_(values.to(parameter.dtype))
    return module


def fill_buffers(module: nn.Module, seed: int = 0) -> nn.Module:
    """Give every floating-point buffer uniform [0, 1) values that depend only on its name and `seed`."""
    with torch.no_grad():
        for name, buffer in module.named_buffers():
            if buffer.is_floating_point():
                generator = torch.Generator().manual_seed(salted(seed * 7919 + zlib.crc32(name.encode())))
                buffer.copy_(torch.rand(buffer.shape, generator=generator, dtype=torch.float64).to(buffer.dtype))
    return module


def gradients(module: nn.Module) -> dict:
    """Every parameter's gradient (None where there is none), by name."""
    return {name: p.grad for name, p in module.named_parameters()}


def parameter_facts(module: nn.Module) -> dict:
    """Name, shape and trainability of every parameter, for checks on a module's structure."""
    return {name: {"shape": tuple(p.shape), "requires_grad": p.requires_grad} for name, p in module.named_parameters()}


def layout(net: nn.Module) -> list[tuple]:
    """What each entry of a Sequential is, with its Linear sizes (a shared entry at each place)."""
    return [(type(m).__name__, getattr(m, "in_features", None), getattr(m, "out_features", None)) for m in net]


def shared_module_net() -> nn.Sequential:
    """One Linear used twice, at positions 2 and 4: named_parameters() lists its parameters once.
    (Not the net an exercise asks for: the student release ships this file.)"""
    twice = nn.Linear(6, 6)
    return nn.Sequential(nn.Linear(3, 6), nn.Tanh(), twice, nn.Sigmoid(), twice, nn.Tanh(), nn.Linear(6, 2))


def shared_weight_net() -> nn.Sequential:
    """Two different Linear modules holding the same weight object (their biases are their own)."""
    first, second = nn.Linear(5, 5), nn.Linear(5, 5)
    second.weight = first.weight
    return nn.Sequential(first, nn.ReLU(), second)
