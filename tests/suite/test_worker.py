"""What a worker sends back: plain data, and errors a student can read."""

import linecache
import os
import subprocess
import sys
import time
import traceback
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

from grader.course.hints import hint_for
from grader.workers.pool import Fault, Limits, TopicRunner, Worker, format_error, modules_imported_by, new_log_dir
from grader.workers.serve import describe_exception, sanitize, within


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
        described = describe_exception(exc, within(tmp_path))
    assert described["type"] == "AttributeError"
    assert described["frames"] == ["layers.py, line 2, in forward: return X.nope"]


def test_an_exception_through_torch_reads_no_line_of_torch(tmp_path):
    student = tmp_path / "layers.py"
    student.write_text("from torch import nn\n\nclass Bad(nn.Module):\n    def forward(self, X):\n        return X.nope\n")
    namespace = {}
    exec(compile(student.read_text(), str(student), "exec"), namespace)
    linecache.clearcache()
    try:
        namespace["Bad"]()(torch.ones(1))  # through nn.Module.__call__ and _call_impl
    except AttributeError as exc:
        through = [frame.f_code for frame, _ in traceback.walk_tb(exc.__traceback__)]
        described = describe_exception(exc, within(tmp_path))
    assert nn.Module._call_impl.__code__ in through  # a frame of torch's, left out
    assert described["frames"] == ["layers.py, line 5, in forward: return X.nope"]
    assert list(linecache.cache) == [str(student)]


def test_sys_exit_is_described_as_such():
    assert describe_exception(SystemExit(3), within(Path(".")))["message"] == "the code called sys.exit(3)"


def test_well_known_pytorch_errors_come_with_a_hint():
    assert "super().__init__()" in hint_for("AttributeError", "cannot assign module before Module.__init__() call")
    assert "device" in hint_for("RuntimeError", "Expected all tensors to be on the same device, but found")
    assert "grad" in hint_for("RuntimeError", "element 0 of tensors does not require grad and does not have a grad_fn")
    assert hint_for("ValueError", "something unheard of") is None


def test_a_stub_s_error_reads_as_not_implemented_yet():
    text = format_error({"type": "NotImplementedError", "message": "return X doubled", "frames": []}, "")
    assert text == "not implemented yet: return X doubled"
    assert format_error("garbage", None) == "it failed without saying why"


def test_a_class_fork_server_preloads_the_installed_packages_the_reference_imports(tmp_path):
    (tmp_path / "data.py").write_text("import os\nimport torch\n\ndef f():\n    from torchvision import transforms\n"
                                      "    from . import helper\n    import layers\n    import not_a_package_here\n")
    (tmp_path / "layers.py").write_text("from collections import OrderedDict\n")
    (tmp_path / "broken.py").write_text("def (:\n")
    assert modules_imported_by(tmp_path) == ("collections", "os", "torch", "torchvision")


def test_check_files_import_no_grader_module_that_workers_lack():
    """A check file's code runs in every worker of its topic (its probes): what it imports of the
    grader must already be in the fork server, never the trusted side's modules (grader.verdict.plugin
    and what it pulls in cost a checkpoints worker 12 ms of CPU, and have no place there)."""
    script = ("import pathlib, sys, grader.workers.preload\n"
              "before = set(sys.modules)\n"
              "for path in sorted(pathlib.Path('tests/topics').glob('test_*.py')):\n"
              "    exec(compile(path.read_text(), str(path), 'exec'), {'__name__': '_probes_' + path.stem})\n"
              "print(' '.join(sorted(m for m in set(sys.modules) - before if m.startswith('grader'))))")
    found = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                           cwd=Path(__file__).resolve().parents[2])
    assert found.stdout.split() == []


THP = Path("/sys/kernel/mm/transparent_hugepage/enabled")


@pytest.mark.skipif(not THP.is_file() or "[never]" in THP.read_text(), reason="no transparent huge pages here")
def test_huge_pages_take_in_the_heap_of_a_process_that_imported_torch():
    script = ("import torch, grader.workers.huge_pages\n"
              "print(next(l.split()[1] for l in open('/proc/self/smaps_rollup') if l.startswith('AnonHugePages')))")
    found = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                           cwd=Path(__file__).resolve().parents[2])
    assert int(found.stdout) >= 32 << 10  # KiB: at least 32 MiB of what import torch allocated


def doubled(module, x):
    return 2 * x


def dies(module):
    os._exit(3)


def test_a_worker_is_sent_a_check_file_s_code_once(tmp_path, monkeypatch):
    (tmp_path / "layers.py").write_text("")
    sent = []
    send = Worker.send
    monkeypatch.setattr(Worker, "send", lambda self, request: (sent.append(request), send(self, request))[1])
    runner = TopicRunner(tmp_path, "layers", Limits(timeout=60), new_log_dir())
    try:
        assert runner.run(doubled, 2) == 4 and runner.run(doubled, 3) == 6
        with pytest.raises(Fault):
            runner.run(dies)
        assert runner.run(doubled, 5) == 10  # a fresh worker, sent the code again
    finally:
        runner.stop()
    assert ["code" in request for request in sent if request["kind"] == "probe"] == [True, False, False, True]


def stamped(module, label):
    """The labels of the probes this worker ran so far, this one's last."""
    module.ran = getattr(module, "ran", ()) + (label,)
    return module.ran


def pid(module, label):
    return os.getpid()


def spin(module, label):
    while True:
        pass


@pytest.fixture
def runner(tmp_path, request):
    """A runner for an empty topic file; `timeout` from `@pytest.mark.parametrize('runner', [s], indirect=True)`."""
    (tmp_path / "layers.py").write_text("")
    found = TopicRunner(tmp_path, "layers", Limits(timeout=getattr(request, "param", 60)), new_log_dir())
    yield found
    found.stop()


def test_probes_sent_ahead_run_in_order_and_keep_their_results_until_asked_for(runner):
    runner.send_ahead([(stamped, ("a",)), (stamped, ("b",)), (stamped, ("c",))])
    assert runner.run(stamped, "c") == ("a", "b", "c")
    assert runner.run(stamped, "a") == ("a",)
    assert runner.run(stamped, "d") == ("a", "b", "c", "d")  # not sent ahead: it runs after those that were
    assert runner.run(stamped, "b") == ("a", "b")


def test_a_fault_belongs_to_its_own_probe_and_those_sent_after_it_go_to_a_fresh_worker(runner):
    runner.send_ahead([(pid, ("before",)), (dies, ()), (stamped, ("after",)), (pid, ("after",))])
    before = runner.run(pid, "before")
    with pytest.raises(Fault) as fault:
        runner.run(dies)
    assert fault.value.status == "error" and "status 3" in str(fault.value.message)
    assert runner.run(stamped, "after") == ("after",)
    assert runner.run(pid, "after") != before


@pytest.mark.parametrize("runner", [3], indirect=True)
def test_after_a_timeout_the_probes_sent_ahead_wait_until_they_are_asked_for(runner):
    """A check that stops at its first hang asks for no more: nor does anything else wait for them."""
    runner.send_ahead([(spin, (1,)), (spin, (2,)), (doubled, (3,))])
    with pytest.raises(Fault) as fault:
        runner.run(spin, 1)
    assert fault.value.status == "timeout"
    started = time.monotonic()
    assert runner.run(doubled, 3) == 6
    assert time.monotonic() - started < 2.5  # spin(2) was not run first: it would have taken its 3 s


ENDLESS = """
class Net:
    def forward(self, X):
        while X > 1:
            X / 2
        return X


def quick(X):
    return X + 1
"""


def forward(module, label):
    return module.Net().forward(label)


def quick(module, x):
    return module.quick(x)


def test_once_a_function_ran_out_of_time_the_probes_that_run_it_again_end_at_once(tmp_path):
    (tmp_path / "layers.py").write_text(ENDLESS)
    seen = []
    runner = TopicRunner(tmp_path, "layers", Limits(timeout=3), new_log_dir(),
                         observer=lambda topic, where, seconds: seen.append((topic, where and where.name)))
    try:
        with pytest.raises(Fault) as fault:
            runner.run(forward, 2)
        assert fault.value.status == "timeout" and "in Net.forward" in str(fault.value.message)
        assert ("layers", "Net.forward") in seen  # what it was waiting for, while it waited
        assert runner.run(quick, 1) == 2  # code that does not run it is not touched
        for label in (3, 4):
            started = time.monotonic()
            with pytest.raises(Fault) as again:
                runner.run(forward, label)
            assert time.monotonic() - started < 2.5  # not its own 3 s again
            assert (again.value.status, again.value.cause) == ("timeout", "not_run")
            assert str(again.value.message) == "not run: Net.forward did not finish in an earlier check"
        assert runner.run(forward, 0.5) == 0.5  # a call that does finish still does
    finally:
        runner.stop()


@pytest.mark.parametrize("runner", [2], indirect=True)
def test_a_worker_that_reads_no_requests_never_blocks_the_trusted_side(runner):
    big = "x" * (1 << 20)
    runner.send_ahead([(spin, (0,))] + [(doubled, (f"{i}{big}",)) for i in range(16)])  # 16 MiB it never reads
    with pytest.raises(Fault) as fault:
        runner.run(spin, 0)
    assert fault.value.status == "timeout"


def answer(module):
    return module.answer()


def helper_answer(module):
    import helper  # the submission's own module, imported as a topic file would

    return helper.answer()


def sourceless_answer(module):
    import sourceless  # only a .pyc: never imported

    return sourceless.answer()


def _compile_unchecked(source: str, path: Path, into: Path) -> None:
    """Write `source`, compiled as `path` with an unchecked hash, to `into` (valid whatever `path` holds)."""
    import py_compile

    written = tmp = into.with_suffix(".src.py")
    tmp.write_text(source)
    py_compile.compile(str(tmp), cfile=str(into), dfile=str(path), doraise=True,
                       invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
    written.unlink()


def test_a_topic_file_is_run_from_its_source_never_from_a_pyc_beside_it(tmp_path):
    """An unchecked-hash .pyc is valid whatever the source says: the worker must not use it."""
    import importlib.util

    stub = "def answer():\n    raise NotImplementedError('the stub')\n"
    (tmp_path / "layers.py").write_text(stub)
    (tmp_path / "helper.py").write_text(stub)
    cache = tmp_path / "__pycache__"
    cache.mkdir()
    for name in ("layers", "helper"):
        _compile_unchecked("def answer():\n    return 42\n", tmp_path / f"{name}.py",
                           Path(importlib.util.cache_from_source(str(tmp_path / f"{name}.py"))))
    _compile_unchecked("def answer():\n    return 43\n", tmp_path / "sourceless.py", tmp_path / "sourceless.pyc")
    runner = TopicRunner(tmp_path, "layers", Limits(timeout=60), new_log_dir())
    try:
        for probe in (answer, helper_answer):
            with pytest.raises(Fault, match="the stub"):
                runner.run(probe)
        with pytest.raises(Fault, match="No module named 'sourceless'"):
            runner.run(sourceless_answer)
    finally:
        runner.stop()


def calls_it(module):
    return module.f()


def test_a_breakpoint_left_in_the_code_says_remove_it(tmp_path):
    (tmp_path / "layers.py").write_text("def f():\n    breakpoint()\n    return 1\n")
    runner = TopicRunner(tmp_path, "layers", Limits(timeout=60), new_log_dir())
    try:
        with pytest.raises(Fault) as fault:
            runner.run(calls_it)
    finally:
        runner.stop()
    assert "remove breakpoint()" in str(fault.value.message) and "(Pdb)" not in str(fault.value.message)


def test_a_d2l_import_is_told_that_only_torch_torchvision_and_numpy_are_here(tmp_path):
    (tmp_path / "layers.py").write_text("from d2l import torch as d2l\n")
    runner = TopicRunner(tmp_path, "layers", Limits(timeout=60), new_log_dir())
    try:
        with pytest.raises(Fault) as fault:
            runner.run(doubled, 1)
    finally:
        runner.stop()
    assert "only torch, torchvision and numpy" in str(fault.value.message)
