"""How a worker's reply travels to the trusted process: JSON for its structure, raw bytes for
its tensors. The worker `encode`s; the trusted process `decode`s, with `json` alone (nothing
is unpickled, no code runs), within a budget, before anything prints or compares the value.

A reply is the JSON text's length (8 bytes, big-endian), the JSON text, then the tensors'
bytes. In the JSON, lists, strings, numbers (NaN and ±Infinity included), booleans and null
stand for themselves, and every object is one tagged value:

    {"tuple": [item, ...]}
    {"dict": [[key, value], ...]}             keys: strings, numbers, booleans or null
    {"tensor": [dtype, shape, device, offset, size]}
        its `size` bytes, in C order, start `offset` bytes after the JSON text: each tensor's
        bytes follow the previous tensor's (in the JSON's order), none shared, none skipped

Every decoded string is `printable`: no terminal control sequence, control character, bidi
override or lone surrogate reaches whoever prints it.

The values a worker sends are those `worker.sanitize` makes: tensors, numbers, strings,
None, and lists, tuples and dicts of them.
"""

from __future__ import annotations

import json
import math
import struct

import torch

from grader.course.text import printable

MAX_TEXT = 4000  # longest string kept from a reply
MAX_NODES = 200_000  # most values (containers and leaves) in one reply
MAX_DEPTH = 40
MAX_DIMS = 32
MAX_JSON = 32 << 20  # bytes of JSON text, parsed before its values are counted: tensors carry the bulk
MAX_TENSORS = 20_000  # tensors in one reply (each costs a Python object and its storage)
HEADER = struct.Struct("!Q")
DTYPES = {str(dtype): dtype for dtype in (
    torch.bool, torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64, torch.float16,
    torch.bfloat16, torch.float32, torch.float64, torch.complex64, torch.complex128)}
DEVICE_TYPES = ("cpu", "cuda")
KEY_TYPES = (str, int, float, bool, type(None))


def encode(value) -> bytes:
    """`value` (plain data and tensors) as a reply's bytes."""
    chunks: list[bytes] = []
    offset = 0

    def tree(item):
        nonlocal offset
        if isinstance(item, torch.Tensor):
            if str(item.dtype) not in DTYPES:
                return f"<tensor of dtype {item.dtype}>"
            flat = item.detach().to("cpu").contiguous().reshape(-1)
            data = flat.view(torch.uint8).numpy().tobytes() if flat.numel() else b""
            chunks.append(data)
            offset += len(data)
            return {"tensor": [str(item.dtype), list(item.shape), str(item.device), offset - len(data), len(data)]}
        if isinstance(item, list):
            return [tree(part) for part in item]
        if isinstance(item, tuple):
            return {"tuple": [tree(part) for part in item]}
        if isinstance(item, dict):
            return {"dict": [[tree(key), tree(part)] for key, part in item.items()]}
        return item

    text = json.dumps(tree(value), separators=(",", ":")).encode()
    return HEADER.pack(len(text)) + text + b"".join(chunks)


def decode(data: bytes):
    """A reply's value: ValueError for anything that is not one, or that holds more than
    MAX_JSON bytes of JSON or MAX_NODES values, or nests deeper than MAX_DEPTH; strings
    clipped to MAX_TEXT."""
    if len(data) < HEADER.size:
        raise ValueError("a reply shorter than its header")
    (length,) = HEADER.unpack_from(data)
    if length > len(data) - HEADER.size:
        raise ValueError("a reply shorter than its header says")
    if length > MAX_JSON:
        raise ValueError("a reply too large: more than MAX_JSON bytes of JSON")
    try:
        text = json.loads(data[HEADER.size:HEADER.size + length])
    except RecursionError:
        raise ValueError("a reply nested too deeply") from None
    builder = _Builder(memoryview(data)[HEADER.size + length:])
    value = builder.build(text, 0)
    if builder.next_offset != len(builder.tensor_bytes):
        raise ValueError("a reply with bytes that no tensor holds")
    return value


class _Builder:
    """Turns the parsed JSON back into the value, counting what it builds."""

    def __init__(self, tensor_bytes: memoryview):
        self.tensor_bytes = tensor_bytes
        self.left = MAX_NODES
        self.tensors_left = MAX_TENSORS
        self.next_offset = 0  # where the next tensor's bytes must start: no two tensors share any

    def build(self, item, depth: int):
        self.left -= 1
        if self.left < 0 or depth > MAX_DEPTH:
            raise ValueError("a reply too large or too deeply nested")
        if isinstance(item, str):
            return clip(printable(item))
        if isinstance(item, list):
            return [self.build(part, depth + 1) for part in item]
        if not isinstance(item, dict):
            return item  # a number, a boolean or None
        if len(item) != 1:
            raise ValueError("an object that is not one tagged value")
        (tag, content), = item.items()
        if tag == "tuple" and isinstance(content, list):
            return tuple(self.build(part, depth + 1) for part in content)
        if tag == "dict" and isinstance(content, list):
            return dict(self.entry(pair, depth + 1) for pair in content)
        if tag == "tensor" and isinstance(content, list) and len(content) == 5:
            return self.tensor(*content)
        raise ValueError(f"an unknown tagged value {clip(tag, 40)!r}")

    def entry(self, pair, depth: int) -> tuple:
        if not (isinstance(pair, list) and len(pair) == 2):
            raise ValueError("a dict entry that is not a [key, value] pair")
        key = self.build(pair[0], depth)
        if not isinstance(key, KEY_TYPES):
            raise ValueError("a dict key that is not a string, a number, a boolean or null")
        return key, self.build(pair[1], depth)

    def tensor(self, dtype, shape, device, offset, size) -> torch.Tensor:
        if dtype not in DTYPES:
            raise ValueError(f"a tensor of unknown dtype {clip(str(dtype), 40)!r}")
        if not (isinstance(shape, list) and len(shape) <= MAX_DIMS
                and all(type(n) is int and 0 <= n < 2**62 for n in shape)):
            raise ValueError("a tensor with an impossible shape")
        if not (type(offset) is int and type(size) is int and 0 <= offset <= offset + size <= len(self.tensor_bytes)):
            raise ValueError("a tensor whose bytes are not in the reply")
        if offset != self.next_offset:
            raise ValueError("a tensor whose bytes overlap another's or leave a gap (aliased tensor ranges)")
        self.tensors_left -= 1
        if self.tensors_left < 0:
            raise ValueError(f"a reply of more than {MAX_TENSORS} tensors")
        kind = DTYPES[dtype]
        if size != math.prod(shape) * kind.itemsize:
            raise ValueError("a tensor whose size does not match its shape")
        self.next_offset = offset + size
        if not (isinstance(device, str) and torch.device(device).type in DEVICE_TYPES):
            raise ValueError(f"a tensor on an unknown device {clip(str(device), 40)!r}")
        if size == 0:
            tensor = torch.empty(shape, dtype=kind)
        else:
            tensor = torch.frombuffer(bytearray(self.tensor_bytes[offset:offset + size]), dtype=kind).reshape(shape)
        return tensor if device == "cpu" else tensor.to(device)


def clip(text: str, limit: int = MAX_TEXT) -> str:
    return text if len(text) <= limit else text[: limit - 15] + "\n...(cut short)"
