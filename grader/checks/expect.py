"""What a graded check uses to judge results, in the trusted process.

A check gets plain data back from the worker (tensors, numbers, strings and containers of
them) and judges it with these helpers, which fail with a message a beginner can act on.
A check file also runs in its topic's workers (its probes live there), so it imports only
what the fork server preloads (this module, grader.course.i18n, grader.checks.probing), never the trusted
side's machinery: that is why the exceptions checks end with live here.
"""

from __future__ import annotations

import math
import reprlib

import pytest
import torch

from grader.course.i18n import Message, N_, _

# What these helpers compare comes from grader.workers.replies, which holds plain tensors only, never
# DTensors; so assert_close need not import torch.distributed.tensor to unwrap them, a second
# of CPU that every grading run would otherwise pay on its first comparison.
if getattr(torch.testing._comparison, "_HAS_DTENSOR", False):
    torch.testing._comparison._HAS_DTENSOR = False


class CheckEnded(pytest.fail.Exception):
    """How a check ends without passing: `message` (a Message, rendered in the student's
    language by the report) and no traceback from pytest."""

    def __init__(self, message):
        super().__init__(str(message), pytrace=False)
        self.message = message


class CheckFailed(CheckEnded):
    """The submission's answer is wrong; the message says how. `attempted`: the check saw that the
    answer, though wrong, tries the task (a mean over one dimension where the whole mean is asked
    for), not one that does nothing: it still lets the exercise's secondary checks count
    (grader.verdict.scoring)."""

    def __init__(self, message, attempted: bool = False, hint=None):
        super().__init__(message)
        self.attempted = attempted
        self.hint = hint  # the hint the check gave for the mistake it saw (also in `message`), or None


class StudentFault(CheckEnded):
    """The submission's code gave no result: it raised, crashed, hung or was not submitted
    (`fault`: a grader.workers.pool.Fault, whose `cause` says which, where the grader knows)."""

    def __init__(self, fault):
        super().__init__(fault.message)
        self.status = fault.status
        self.cause = getattr(fault, "cause", "")


class ReferenceFailed(CheckEnded):
    """The reference solution failed a probe: a fault of the grader, not of the submission."""


def expect(condition: bool, message: str, hint: str | None = None, attempted: bool = False) -> None:
    """Fail with `message` (and a hint) unless `condition` holds."""
    if not condition:
        raise CheckFailed(_with_hint(message, hint), attempted, hint)


def expect_equal(got, want, what: str, hint: str | None = None, attempted: bool = False) -> None:
    """Fail unless `got == want` (plain values: numbers, strings, containers of them)."""
    if got == want and type(got) is type(want):
        return
    if isinstance(got, dict) and isinstance(want, dict):
        missing = [f"{k} {_short(want[k])}" for k in want if k not in got]
        extra = [f"{k} {_short(got[k])}" for k in got if k not in want]
        wrong = [_("{key}: expected {want}, got {got}", key=str(k), want=_short(want[k]), got=_short(got[k]))
                 for k in want if k in got and got[k] != want[k]]
        parts = ([_("missing {keys}", keys=", ".join(missing))] if missing else []) + (
            [_("unexpected {keys}", keys=", ".join(extra))] if extra else []) + wrong
        problem = joined(parts) if parts else _("the order differs")
        raise CheckFailed(_with_hint(_("{what}: {problem}", what=what, problem=problem), hint), attempted, hint)
    raise CheckFailed(_with_hint(_("{what}: expected {want}, got {got}", what=what, want=_short(want), got=_short(got)),
                                 hint), attempted, hint)


def expect_input_unchanged(after, before: torch.Tensor, call: str, hint: str | None = None) -> None:
    """Fail unless `after`, the input tensor as a call left it, still equals `before`, the input as made here."""
    same = isinstance(after, torch.Tensor) and after.shape == before.shape and after.dtype == before.dtype
    change = (after.double() - before.double()).abs().max().item() if same else math.inf
    expect(change == 0, _("{call} changed its input X (by up to {change:.3g}): the caller's tensor must come back "
                          "as it was", call=call, change=change), hint)


def expect_same_as_reference(grade, probe, device: str, *args, what: str = N_("the result"), hint=None,
                             attempted=None):
    """Run `probe(module, device, *args)` on both sides and compare. The reference's results are
    recorded on the CPU: on another device, they are compared at that device's tolerance.

    `hint` is a string, or a function of (got, want) that diagnoses the mistake and returns
    the hint for it, or None when the data shows no mistake it knows. `attempted`, a function
    of (got, want), tells a wrong answer that tries the task (see CheckFailed).
    """
    got, want = grade.both(probe, device, *args)
    rtol, atol = (None, None) if device == "cpu" else (1e-4, 1e-5)
    right = close(got, want, rtol=rtol, atol=atol)
    if callable(hint):
        hint = None if right else hint(got, want)
    tried = bool(attempted and not right and attempted(got, want))
    if device == "cpu":
        expect_close(got, want, what, hint, attempted=tried)
    else:
        expect_close(got, want, _("{what} (on {device}, against the reference on the CPU)", what=what, device=device),
                     hint, rtol=rtol, atol=atol, attempted=tried)
    return got


def expect_close(
    got,
    want,
    what: str = N_("the result"),
    hint: str | None = None,
    *,
    rtol: float | None = None,
    atol: float | None = None,
    check_device: bool = True,
    against: str = N_("the reference"),
    attempted: bool = False,
) -> None:
    """Fail unless `got` matches `want` entry by entry, tensors within `assert_close` tolerances.

    Tolerances are `torch.testing.assert_close`'s defaults for the dtype unless given.
    With `check_device=False`, tensors are compared on the CPU wherever they live.
    `against` names what `want` is, for the message ("your uninterrupted run", say).
    """
    problem = _difference(got, want, what, rtol, atol, check_device, against)
    if problem:
        raise CheckFailed(_with_hint(problem, hint), attempted, hint)


def close(got, want, *, rtol: float | None = None, atol: float | None = None) -> bool:
    """Whether `expect_close(got, want)` would pass: for a check that picks its message from the data."""
    return _difference(got, want, "", rtol, atol, True) is None


def _difference(got, want, where, rtol, atol, check_device, against=N_("the reference")) -> str | None:
    if isinstance(want, dict):
        if not isinstance(got, dict):
            return _("{where}: expected a dict, got {got}", where=where, got=_kind(got))
        if set(got) != set(want):
            missing, extra = sorted(map(str, set(want) - set(got))), sorted(map(str, set(got) - set(want)))
            parts = ([_("missing {keys}", keys=str(missing))] if missing else []) + (
                [_("unexpected {keys}", keys=str(extra))] if extra else [])
            return _("{where}: the keys differ ({differences})", where=where, differences=joined(parts))
        for key in want:
            problem = _difference(got[key], want[key], _item(where, key), rtol, atol, check_device, against)
            if problem:
                return problem
        return None
    if isinstance(want, (list, tuple)):
        if not isinstance(got, (list, tuple)):
            return _("{where}: expected a sequence of {count}, got {got}", where=where, count=len(want), got=_kind(got))
        if len(got) != len(want):
            return _("{where}: expected {want} entries, got {got}", where=where, want=len(want), got=len(got))
        for index, (g, w) in enumerate(zip(got, want)):
            problem = _difference(g, w, Message("{where}[{index}]", {"where": where, "index": index}), rtol, atol,
                                  check_device, against)
            if problem:
                return problem
        return None
    if isinstance(want, torch.Tensor):
        return _tensor_difference(got, want, where, rtol, atol, check_device, against)
    if isinstance(want, float) and isinstance(got, (int, float)) and not isinstance(got, bool):
        try:
            torch.testing.assert_close(float(got), want, rtol=rtol, atol=atol, equal_nan=True)
        except AssertionError:
            return _("{where}: expected {want:.6g}, got {got:.6g}", where=where, want=want, got=float(got))
        return None
    if got != want or type(got) is not type(want):
        return _("{where}: expected {want}, got {got}", where=where, want=_short(want), got=_short(got))
    return None


def _tensor_difference(got, want, where, rtol, atol, check_device, against) -> str | None:
    if not isinstance(got, torch.Tensor):
        return _("{where}: expected a tensor of shape {shape}, got {got}", where=where, shape=str(tuple(want.shape)),
                 got=_kind(got))
    if got.shape != want.shape:
        return _("{where}: expected shape {want}, got {got}", where=where, want=str(tuple(want.shape)),
                 got=str(tuple(got.shape)))
    if got.dtype != want.dtype:
        return _("{where}: expected dtype {want}, got {got}", where=where, want=str(want.dtype), got=str(got.dtype))
    if check_device and got.device != want.device:
        return _("{where}: expected a tensor on {want}, got one on {got}", where=where, want=str(want.device),
                 got=str(got.device))
    got, want = got.cpu(), want.cpu()
    try:
        torch.testing.assert_close(got, want, rtol=rtol, atol=atol, equal_nan=True, check_device=False)
    except AssertionError:
        return _("{where} differs from {against}: {how}", where=where, against=against, how=_explain(got, want))
    return None


def _explain(got: torch.Tensor, want: torch.Tensor) -> str:
    """How far apart two same-shaped tensors are, and where."""
    if not (got.is_floating_point() or got.is_complex()):
        mismatched = got != want
        index = _index(mismatched.flatten().nonzero()[0].item(), got.shape)
        return _("{count} of {total} entries differ; first at index {index}: expected {want}, got {got}",
                 count=int(mismatched.sum()), total=got.numel(), index=str(index), want=str(want[index].item()),
                 got=str(got[index].item()))
    g, w = got.double(), want.double()
    difference = (g - w).abs()
    difference = torch.where(torch.isnan(g) ^ torch.isnan(w), torch.full_like(difference, math.inf), difference)
    difference = torch.nan_to_num(difference, nan=0.0)
    flat = int(difference.flatten().argmax())
    index = _index(flat, got.shape)
    relative = (difference / w.abs().clamp_min(1e-12)).flatten()
    return _("largest absolute difference {absolute:.4g} at index {index} (expected {want:.6g}, got {got:.6g}); "
             "largest relative difference {relative:.4g}",
             absolute=difference.flatten()[flat].item(), index=str(index), want=w.flatten()[flat].item(),
             got=g.flatten()[flat].item(), relative=relative.max().item())


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
        return _("a tensor of shape {shape}", shape=str(tuple(value.shape)))
    if isinstance(value, str) and value.startswith("<") and value.endswith(" object>"):
        return _("an object of type {type}", type=value[1:-8])
    return f"{type(value).__name__} {_short(value)}"


# What a message shows of a value: a few items of each container, a few levels deep. The
# value is never repr'd whole (a reply may hold 20,000 tensors): only what is shown is built.
SHORT_REPR = reprlib.Repr()  # its limits are attributes (keywords only from Python 3.12)
SHORT_REPR.maxlevel, SHORT_REPR.maxstring, SHORT_REPR.maxother, SHORT_REPR.maxlong = 3, 200, 200, 60
SHORT_REPR.maxtuple = SHORT_REPR.maxlist = SHORT_REPR.maxdict = SHORT_REPR.maxset = 6


def _short(value, limit: int = 200) -> str:
    text = SHORT_REPR.repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _with_hint(message, hint):
    """The message, and the hint on a line of its own (indented: the table knows it is no reason)."""
    return Message("{message}\n  {hint}", {"message": message, "hint": _("hint: {hint}", hint=hint)}) if hint else message


def joined(parts: list) -> Message:
    """Several problems in one message, separated as the language separates clauses."""
    text = parts[0]
    for part in parts[1:]:
        text = _("{first}; {second}", first=text, second=part)
    return text


def _item(where, key) -> Message:
    return Message("{where}[{key}]", {"where": where, "key": _short(key)})
