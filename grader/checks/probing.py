"""Helpers for probes: the functions a check runs inside a worker on a topic module.

A probe is a module-level function `probe(topic_module, *args)` in a check file. It runs in
a worker (on the submission, and again on the reference) and returns plain data. These
helpers make the same inputs and weights on both sides, however the module was written.
"""

from __future__ import annotations

import math
import zlib

import torch
from torch import nn


def inputs(*shape: int, seed: int = 0, device: str = "cpu", dtype=torch.float32) -> torch.Tensor:
    """Standard normal inputs, the same for a seed on every device."""
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(*shape, generator=generator, dtype=dtype).to(device)


def fill_parameters(module: nn.Module, seed: int = 0) -> nn.Module:
    """Give every parameter values that depend only on its name, shape and `seed`.

    Two modules with the same parameter names and shapes then compute the same function,
    whatever order their layers were created in.
    """
    with torch.no_grad():
        for name, parameter in module.named_parameters():
            generator = torch.Generator().manual_seed(seed * 7919 + zlib.crc32(name.encode()))
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
                generator = torch.Generator().manual_seed(seed * 7919 + zlib.crc32(name.encode()))
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
    """One Linear used twice: named_parameters() lists its parameters once."""
    shared = nn.Linear(8, 8)
    return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), shared, nn.ReLU(), shared, nn.ReLU(), nn.Linear(8, 1))


def shared_weight_net() -> nn.Sequential:
    """Two different Linear modules holding the same weight object (their biases are their own)."""
    first, second = nn.Linear(5, 5), nn.Linear(5, 5)
    second.weight = first.weight
    return nn.Sequential(first, nn.ReLU(), second)
