"""What a worker sends back: plain data, and errors a student can read."""

from pathlib import Path

import numpy as np
import torch

from grader.hints import hint_for
from grader.pool import format_error
from grader.worker import describe_exception, sanitize


def test_results_become_plain_data():
    parameter = torch.nn.Parameter(torch.ones(2))
    value = sanitize({"p": parameter * 2, "n": np.arange(3), "size": torch.Size([2, 3]), "dtype": torch.float32,
                      "nested": [(1, 2.5, None, "x", True)], "object": object(), 3: np.float64(1.5)})
    assert type(value["p"]) is torch.Tensor and not value["p"].requires_grad
    assert torch.equal(value["n"], torch.arange(3))
    assert value["size"] == (2, 3) and value["dtype"] == "torch.float32"
    assert value["nested"] == [(1, 2.5, None, "x", True)]
    assert value["object"] == "<object object>" and value[3] == 1.5


def test_a_view_comes_back_without_the_storage_it_views():
    big = torch.zeros(1_000_000)
    assert sanitize(big[:3]).untyped_storage().nbytes() == 12


def test_an_exception_keeps_only_the_student_s_frames(tmp_path):
    student = tmp_path / "layers.py"
    student.write_text("def forward(X):\n    return X.nope\n")
    namespace = {}
    exec(compile(student.read_text(), str(student), "exec"), namespace)
    try:
        namespace["forward"](torch.ones(1))
    except AttributeError as exc:
        described = describe_exception(exc, tmp_path)
    assert described["type"] == "AttributeError"
    assert described["frames"] == ["layers.py, line 2, in forward: return X.nope"]


def test_sys_exit_is_described_as_such():
    assert describe_exception(SystemExit(3), Path("."))["message"] == "the code called sys.exit(3)"


def test_well_known_pytorch_errors_come_with_a_hint():
    assert "super().__init__()" in hint_for("AttributeError", "cannot assign module before Module.__init__() call")
    assert "device" in hint_for("RuntimeError", "Expected all tensors to be on the same device, but found")
    assert "grad" in hint_for("RuntimeError", "element 0 of tensors does not require grad and does not have a grad_fn")
    assert hint_for("ValueError", "something unheard of") is None


def test_a_stub_s_error_reads_as_not_implemented_yet():
    text = format_error({"type": "NotImplementedError", "message": "return X doubled", "frames": []}, "")
    assert text == "not implemented yet: return X doubled"
    assert format_error("garbage", None) == "it failed without saying why"
