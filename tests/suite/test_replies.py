"""grader.workers.replies: what a worker sends comes back as the same value, and what a worker could
forge instead is refused."""

import json
import math

import pytest
import torch

from grader.workers import replies
def forged(head, tensor_bytes: bytes = b"") -> bytes:
    text = json.dumps(head).encode()
    return len(text).to_bytes(8, "big") + text + tensor_bytes


def same(got, want) -> bool:
    """Equal, and of the same types all the way down (a tuple is no list, 1 is no 1.0 nor True)."""
    if type(got) is not type(want):
        return False
    if isinstance(want, torch.Tensor):
        return (got.dtype, got.shape, got.device) == (want.dtype, want.shape, want.device) and torch.equal(
            torch.nan_to_num(got.cpu()) if got.is_floating_point() else got.cpu(),
            torch.nan_to_num(want.cpu()) if want.is_floating_point() else want.cpu())
    if isinstance(want, (list, tuple)):
        return len(got) == len(want) and all(map(same, got, want))
    if isinstance(want, dict):
        return list(got) == list(want) and all(same(got[key], want[key]) for key in want)
    if isinstance(want, float) and math.isnan(want):
        return math.isnan(got)
    return got == want


ROUND_TRIPS = {
    "scalars": [None, True, False, 0, -7, 2**70, 1.5, -0.0, float("nan"), float("inf"), "", "中文\tand a\nnew line"],
    "containers": ({"a": (1, [2, (3,)]), 1: "int key", 1.5: "float key", False: "bool key"}, [], (), {}),
    "tensors": {name: torch.arange(6).reshape(2, 3).to(dtype) for name, dtype in replies.DTYPES.items()},
    "odd tensors": [torch.zeros(0, 3), torch.tensor(2.5), torch.arange(12.).reshape(3, 4).T, torch.arange(10)[2:8:2],
                    torch.tensor([float("nan"), float("-inf")]), torch.randn(5, dtype=torch.complex64)],
}


@pytest.mark.parametrize("name", ROUND_TRIPS)
def test_a_value_comes_back_the_same(name):
    value = ROUND_TRIPS[name]
    assert same(replies.decode(replies.encode(value)), value)


def test_a_tensor_comes_back_as_its_own_copy_in_its_own_shape():
    base = torch.arange(12.)
    value = {"view": base[2:8].reshape(2, 3), "base": base}
    back = replies.decode(replies.encode(value))
    back["view"][0, 0] = 100.0  # writable, and shares nothing with the other tensor
    assert back["base"][2] == 2.0 and back["view"].is_contiguous()


def test_strings_are_clipped_and_a_tensor_of_another_dtype_becomes_a_note():
    back = replies.decode(replies.encode(["x" * 10_000, torch.zeros(2, dtype=torch.uint32)]))
    assert len(back[0]) <= replies.MAX_TEXT and back[1].startswith("<tensor of dtype")


TENSOR = ["torch.float32", [2], "cpu", 0, 8]
FORGERIES = {
    "an object of two keys": {"tuple": [], "dict": []},
    "an unknown tag": {"pickle": "cos\nsystem"},
    "a tag holding the wrong thing": {"tuple": "abc"},
    "a dict entry that is no pair": {"dict": [[1, 2, 3]]},
    "a dict key that is a container": {"dict": [[[1], 2]]},
    "a dict key that is a tensor": {"dict": [[{"tensor": TENSOR}, 2]]},
    "a tensor of an unknown dtype": {"tensor": ["torch.object", [2], "cpu", 0, 8]},
    "a tensor with a negative dimension": {"tensor": ["torch.float32", [-2], "cpu", 0, 8]},
    "a tensor with a float dimension": {"tensor": ["torch.float32", [2.0], "cpu", 0, 8]},
    "a tensor of too many dimensions": {"tensor": ["torch.float32", [1] * 40, "cpu", 0, 4]},
    "a tensor whose bytes lie past the end": {"tensor": ["torch.float32", [2], "cpu", 4, 8]},
    "a tensor of a negative size": {"tensor": ["torch.float32", [2], "cpu", 8, -8]},
    "a tensor larger than its bytes say": {"tensor": ["torch.float32", [3], "cpu", 0, 8]},
    "a tensor with a huge zero-sized shape": {"tensor": ["torch.float32", [0, 2**62], "cpu", 0, 0]},
    "a tensor on an unknown device": {"tensor": ["torch.float32", [2], "meta", 0, 8]},
    "a tensor on a device that is no string": {"tensor": ["torch.float32", [2], 0, 0, 8]},
    "a tensor with a missing field": {"tensor": ["torch.float32", [2], "cpu", 0]},
}


@pytest.mark.parametrize("name", FORGERIES)
def test_a_forged_reply_is_refused(name):
    with pytest.raises((ValueError, RuntimeError)):
        replies.decode(forged(FORGERIES[name], bytes(8)))


def test_a_reply_whose_header_lies_is_refused():
    good = forged({"tensor": TENSOR}, bytes(8))
    assert replies.decode(good).tolist() == [0.0, 0.0]
    for data in (good[:7], (10**6).to_bytes(8, "big") + good[8:], (2**64 - 1).to_bytes(8, "big") + good[8:]):
        with pytest.raises(ValueError):
            replies.decode(data)


def test_a_reply_with_too_much_json_is_refused_before_it_is_parsed():
    text = b"[" + b" " * replies.MAX_JSON + b"]"
    with pytest.raises(ValueError, match="MAX_JSON"):
        replies.decode(len(text).to_bytes(8, "big") + text)


def test_aliased_tensor_ranges_are_refused():
    """1,500 tensors naming the same 1 MiB of reply bytes would decode to 1.5 GiB: each tensor's
    bytes must follow the previous tensor's."""
    chunk = ["torch.uint8", [1 << 20], "cpu", 0, 1 << 20]
    with pytest.raises(ValueError, match="overlap"):
        replies.decode(forged([{"tensor": chunk}] * 1500, bytes(1 << 20)))
    with pytest.raises(ValueError):  # a gap, or bytes that no tensor holds
        replies.decode(forged([{"tensor": ["torch.float32", [1], "cpu", 4, 4]}], bytes(8)))
    with pytest.raises(ValueError):
        replies.decode(forged([{"tensor": ["torch.float32", [1], "cpu", 0, 4]}], bytes(8)))


def test_a_reply_of_too_many_tensors_is_refused():
    many = [torch.tensor(float(i)) for i in range(replies.MAX_TENSORS + 1)]
    with pytest.raises(ValueError, match="tensors"):
        replies.decode(replies.encode(many))
    assert len(replies.decode(replies.encode(many[:-1]))) == replies.MAX_TENSORS


HOSTILE_TEXT = {
    "nested escapes": ("a\x1b\x1b[2J[2Jb", "\x1b"),
    "clear screen, cursor home": ("\x1b[2J\x1b[Hpassed 100 / 100", "\x1b"),
    "OSC title and hyperlink": ("\x1b]0;pwned\x07x\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\", "\x1b"),
    "8-bit CSI and OSC": ("\x9b2J\x9d0;t\x9cx", "\x9b"),
    "bidi overrides": ("total \u202e001\u202c / 100 \u2066x\u2069 \u200f", "\u202e"),
    "NUL and carriage return": ("100 / 100\x00\r0 / 100\x7f", "\r"),
    "a lone surrogate": ("caf\udce9", "\udce9"),
}


@pytest.mark.parametrize("name", HOSTILE_TEXT)
def test_every_string_from_a_worker_comes_back_printable(name):
    text, _ = HOSTILE_TEXT[name]
    back = replies.decode(replies.encode({"error": text, text: [text]}))
    for string in [*back, back["error"] if "error" in back else "", *[s for v in back.values() for s in v]]:
        assert not any(ord(c) < 32 and c not in "\n\t" or 0x7f <= ord(c) <= 0x9f or 0xd800 <= ord(c) <= 0xdfff
                       or c in "\u061c\u200e\u200f" or 0x202a <= ord(c) <= 0x202e or 0x2066 <= ord(c) <= 0x2069
                       for c in string), repr(string)
        string.encode("utf-8")  # never a lone surrogate
