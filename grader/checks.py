"""What a graded check uses to judge results, in the trusted process.

A check gets plain data back from the worker (tensors, numbers, strings and containers of
them) and judges it with these helpers, which fail with a message a beginner can act on.
"""

from __future__ import annotations

import math

import pytest
import torch


class CheckFailed(pytest.fail.Exception):
    """The submission's answer is wrong; the message says how (pytest shows no traceback)."""

    def __init__(self, message: str):
        super().__init__(message, pytrace=False)


def expect(condition: bool, message: str, hint: str | None = None) -> None:
    """Fail with `message` (and a hint) unless `condition` holds."""
    if not condition:
        raise CheckFailed(_with_hint(message, hint))


def expect_equal(got, want, what: str, hint: str | None = None) -> None:
    """Fail unless `got == want` (plain values: numbers, strings, containers of them)."""
    if got == want and type(got) is type(want):
        return
    if isinstance(got, dict) and isinstance(want, dict):
        missing = [f"{k} {_short(want[k])}" for k in want if k not in got]
        extra = [f"{k} {_short(got[k])}" for k in got if k not in want]
        wrong = [f"{k}: expected {_short(want[k])}, got {_short(got[k])}" for k in want if k in got and got[k] != want[k]]
        parts = ([f"missing {', '.join(missing)}"] if missing else []) + (
            [f"unexpected {', '.join(extra)}"] if extra else []) + wrong
        raise CheckFailed(_with_hint(f"{what}: {'; '.join(parts) or 'the order differs'}", hint))
    raise CheckFailed(_with_hint(f"{what}: expected {_short(want)}, got {_short(got)}", hint))


def expect_input_unchanged(after, before: torch.Tensor, call: str, hint: str | None = None) -> None:
    """Fail unless `after`, the input tensor as a call left it, still equals `before`, the input as made here."""
    same = isinstance(after, torch.Tensor) and after.shape == before.shape and after.dtype == before.dtype
    change = (after.double() - before.double()).abs().max().item() if same else math.inf
    expect(change == 0, f"{call} changed its input X (by up to {change:.3g}): the caller's tensor must come back "
           "as it was", hint)


def expect_same_as_reference(grade, probe, device: str, *args, what: str = "the result", hint=None):
    """Run `probe(module, device, *args)` on both sides and compare; on CUDA, against the CPU reference too.

    `hint` is a string, or a function of (got, want) that diagnoses the mistake and returns
    the hint for it, or None when the data shows no mistake it knows.
    """
    got, want = grade.both(probe, device, *args)
    if callable(hint):
        hint = None if close(got, want) else hint(got, want)
    expect_close(got, want, what, hint)
    if device != "cpu":
        on_cpu = grade.reference(probe, "cpu", *args)
        expect_close(got, on_cpu, f"{what} (on {device}, against the reference on the CPU)", hint,
                     rtol=1e-4, atol=1e-5, check_device=False)
    return got


def expect_close(
    got,
    want,
    what: str = "the result",
    hint: str | None = None,
    *,
    rtol: float | None = None,
    atol: float | None = None,
    check_device: bool = True,
    against: str = "the reference",
) -> None:
    """Fail unless `got` matches `want` entry by entry, tensors within `assert_close` tolerances.

    Tolerances are `torch.testing.assert_close`'s defaults for the dtype unless given.
    With `check_device=False`, tensors are compared on the CPU wherever they live.
    `against` names what `want` is, for the message ("your uninterrupted run", say).
    """
    problem = _difference(got, want, what, rtol, atol, check_device, against)
    if problem:
        raise CheckFailed(_with_hint(problem, hint))


def close(got, want, *, rtol: float | None = None, atol: float | None = None) -> bool:
    """Whether `expect_close(got, want)` would pass: for a check that picks its message from the data."""
    return _difference(got, want, "", rtol, atol, True) is None


def _difference(got, want, where, rtol, atol, check_device, against="the reference") -> str | None:
    if isinstance(want, dict):
        if not isinstance(got, dict):
            return f"{where}: expected a dict, got {_kind(got)}"
        if set(got) != set(want):
            missing, extra = sorted(map(str, set(want) - set(got))), sorted(map(str, set(got) - set(want)))
            parts = ([f"missing {missing}"] if missing else []) + ([f"unexpected {extra}"] if extra else [])
            return f"{where}: the keys differ ({'; '.join(parts)})"
        for key in want:
            problem = _difference(got[key], want[key], f"{where}[{key!r}]", rtol, atol, check_device, against)
            if problem:
                return problem
        return None
    if isinstance(want, (list, tuple)):
        if not isinstance(got, (list, tuple)):
            return f"{where}: expected a sequence of {len(want)}, got {_kind(got)}"
        if len(got) != len(want):
            return f"{where}: expected {len(want)} entries, got {len(got)}"
        for index, (g, w) in enumerate(zip(got, want)):
            problem = _difference(g, w, f"{where}[{index}]", rtol, atol, check_device, against)
            if problem:
                return problem
        return None
    if isinstance(want, torch.Tensor):
        return _tensor_difference(got, want, where, rtol, atol, check_device, against)
    if isinstance(want, float) and isinstance(got, (int, float)) and not isinstance(got, bool):
        try:
            torch.testing.assert_close(float(got), want, rtol=rtol, atol=atol, equal_nan=True)
        except AssertionError:
            return f"{where}: expected {want:.6g}, got {got:.6g}"
        return None
    if got != want or type(got) is not type(want):
        return f"{where}: expected {_short(want)}, got {_short(got)}"
    return None


def _tensor_difference(got, want, where, rtol, atol, check_device, against) -> str | None:
    if not isinstance(got, torch.Tensor):
        return f"{where}: expected a tensor of shape {tuple(want.shape)}, got {_kind(got)}"
    if got.shape != want.shape:
        return f"{where}: expected shape {tuple(want.shape)}, got {tuple(got.shape)}"
    if got.dtype != want.dtype:
        return f"{where}: expected dtype {want.dtype}, got {got.dtype}"
    if check_device and got.device != want.device:
        return f"{where}: expected a tensor on {want.device}, got one on {got.device}"
    got, want = got.cpu(), want.cpu()
    try:
        torch.testing.assert_close(got, want, rtol=rtol, atol=atol, equal_nan=True, check_device=False)
    except AssertionError:
        return f"{where} differs from {against}: {_explain(got, want)}"
    return None


def _explain(got: torch.Tensor, want: torch.Tensor) -> str:
    """How far apart two same-shaped tensors are, and where."""
    if not (got.is_floating_point() or got.is_complex()):
        mismatched = got != want
        index = _index(mismatched.flatten().nonzero()[0].item(), got.shape)
        return (f"{int(mismatched.sum())} of {got.numel()} entries differ; "
                f"first at index {index}: expected {want[index].item()}, got {got[index].item()}")
    g, w = got.double(), want.double()
    difference = (g - w).abs()
    difference = torch.where(torch.isnan(g) ^ torch.isnan(w), torch.full_like(difference, math.inf), difference)
    difference = torch.nan_to_num(difference, nan=0.0)
    flat = int(difference.flatten().argmax())
    index = _index(flat, got.shape)
    relative = (difference / w.abs().clamp_min(1e-12)).flatten()
    pieces = [
        f"largest absolute difference {difference.flatten()[flat].item():.4g} at index {index} "
        f"(expected {w.flatten()[flat].item():.6g}, got {g.flatten()[flat].item():.6g})",
        f"largest relative difference {relative.max().item():.4g}",
    ]
    return "; ".join(pieces)


def _index(flat: int, shape) -> tuple:
    index = []
    for size in reversed(tuple(shape)):
        index.append(flat % size)
        flat //= size
    return tuple(reversed(index))


def _kind(value) -> str:
    if value is None:
        return "None"
    if isinstance(value, torch.Tensor):
        return f"a tensor of shape {tuple(value.shape)}"
    if isinstance(value, str) and value.startswith("<") and value.endswith(" object>"):
        return f"an object of type {value[1:-8]}"
    return f"{type(value).__name__} {_short(value)}"


def _short(value, limit: int = 200) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _with_hint(message: str, hint: str | None) -> str:
    return f"{message}\n  hint: {hint}" if hint else message
