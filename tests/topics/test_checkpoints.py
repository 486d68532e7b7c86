"""Checks for topic `checkpoints`: saving and loading tensors, parameters, training state and models.

Probes (the plain functions) run in a worker on the submission and on the reference;
checks (the test functions) judge what came back. Points live on each check's marker.
Every probe writes its files in a temporary directory of its own. Where a probe reads a
file back itself, it does so with `torch.load(path, weights_only=True)`, as a careful user
loading someone else's file would.

Who pays for a mistake in the save_checkpoint / load_checkpoint pair. The catalogue fixes what
a checkpoint must hold, not its layout, so each half is judged against what the other half of
the reference establishes, and never by running the reference's code in the submission's
worker (or the other way round):
- save_checkpoint is judged by its file alone, read in the submission's worker by a
  layout-free reader (`checkpoint_contents`): the file must hold every model tensor, every
  tensor of the optimizer's state, the epoch, every extra value and the RNG state as they were
  at save time, under whatever keys and nesting. A failed save must leave the previous file's
  bytes as they were.
- load_checkpoint is judged first on the submission's own file (a round trip through its own
  save), which gives full marks to a correct pair of any layout. Where that round trip fails,
  the fault may be save's, so load_checkpoint is judged again on a file the reference's
  save_checkpoint wrote (in the reference's worker, handed to the submission's worker as
  bytes: `checkpoint_file_loaded`), and only that verdict counts. A load that cannot read the
  reference's layout while its own save is wrong too is charged: that pair has no file it is
  shown to read right.
"""

import contextlib
import os
import tempfile

import pytest
import torch
from torch import nn
from torch.nn import functional as F

from grader.course.i18n import N_, _
from grader.checks.expect import CheckFailed, StudentFault, expect, expect_close, expect_equal
from grader.checks.probing import fill_parameters, inputs

exercise = pytest.mark.exercise


# Helpers for the probes (they run in the worker)

def small_net(dropout=False, seed=0):
    """Linear(6, 8), ReLU, [Dropout(0.5)], Linear(8, 3), with weights fixed by `seed`."""
    layers = [nn.Linear(6, 8), nn.ReLU()] + ([nn.Dropout(0.5)] if dropout else []) + [nn.Linear(8, 3)]
    return fill_parameters(nn.Sequential(*layers), seed=seed)


def state_of(net):
    return {name: value.detach().clone() for name, value in net.state_dict().items()}


def attempt(call):
    """(call(), None), or (None, "Type: message") when it raised; NotImplementedError is let through.

    Letting NotImplementedError through keeps an untouched stub's message "not implemented yet".
    """
    try:
        return call(), None
    except NotImplementedError:
        raise
    except Exception as error:  # noqa: BLE001 - any failure of the submission is a fact to report
        return None, f"{type(error).__name__}: {error}"[:400]


def load_safely(path):
    """What `torch.load(path, weights_only=True)` gives: {"type", "value"}, or {"error"}."""
    value, error = attempt(lambda: torch.load(path, weights_only=True))
    return {"error": error} if error else {"type": type(value).__name__, "value": value}


@contextlib.contextmanager
def saved_as_on_gpu():
    """Make torch.save record every CPU tensor as living on 'cuda:0', as a GPU run's file does.

    torch.save writes each storage's location tag (found through torch.serialization's
    registry of location taggers) into the file; a tagger put first in the registry makes
    the file on disk the same as one written from CUDA tensors: `torch.load` without
    `map_location` then fails on a CPU-only machine exactly as it does with a real one.
    """
    registry = torch.serialization._package_registry
    entry = (-1_000_000, lambda storage: "cuda:0" if storage.device.type == "cpu" else None, lambda storage, location: None)
    registry.insert(0, entry)
    try:
        yield
    finally:
        registry.remove(entry)


def gpu_checkpoint_kind():
    """"real" where CUDA is available (the probe saves CUDA tensors), else "simulated" (saved_as_on_gpu)."""
    return "real" if torch.cuda.is_available() else "simulated"


# save_tensors / load_tensors

def tensor_examples():
    return {
        "tensor": inputs(3, 4),
        "list": [inputs(2), inputs(2, 3, seed=1).double(), torch.arange(5)],
        "dict": {"weight": inputs(4, 2, seed=2), "step": torch.tensor(7)},
    }


def tensors_saved(checkpoints):
    """Each example saved by save_tensors, then read back with torch.load(weights_only=True)."""
    loaded = {}
    with tempfile.TemporaryDirectory() as folder:
        for name, obj in tensor_examples().items():
            path = os.path.join(folder, f"{name}.pt")
            checkpoints.save_tensors(obj, path)
            loaded[name] = load_safely(path)
    return loaded


def tensors_loaded(checkpoints):
    """Each example saved by torch.save, then read back by load_tensors."""
    loaded = {}
    with tempfile.TemporaryDirectory() as folder:
        for name, obj in tensor_examples().items():
            path = os.path.join(folder, f"{name}.pt")
            torch.save(obj, path)
            value = checkpoints.load_tensors(path)
            loaded[name] = {"type": type(value).__name__, "value": value}
    return loaded


class RunsCodeOnLoad:
    """Pickles as a call to os.mkdir(marker): a file holding it runs that call when unpickled."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return os.mkdir, (self.marker,)


def hostile_file_loaded(checkpoints):
    with tempfile.TemporaryDirectory() as folder:
        path, marker = os.path.join(folder, "hostile.pt"), os.path.join(folder, "code-ran")
        torch.save({"weight": inputs(2, 2), "payload": RunsCodeOnLoad(marker)}, path)
        _, error = attempt(lambda: checkpoints.load_tensors(path))
        return {"code_ran": os.path.exists(marker), "refused": error is not None}


def expect_same_files(got, want, what, error_hint=None):
    """`error_hint` is shown where reading failed because the file holds more than plain data."""
    for name in want:
        error = got[name].get("error")
        expect(error is None, _("{what}, for a {name}: {error}", what=what, name=name, error=error), error_hint if "Weights only" in str(error) else None)
        expect_equal(got[name]["type"], want[name]["type"], _("the type of what {what} gives "
                                                              "back for a {name}", what=what, name=name))
        expect_close(got[name]["value"], want[name]["value"], _("what {what} gives back for a {name}", what=what, name=name))


@exercise("save_tensors", points=1)
def test_save_tensors_writes_files_torch_load_reads_safely(grade):
    got, want = grade.both(tensors_saved)
    expect_same_files(got, want, "torch.load(path, weights_only=True) of save_tensors' file",
                      N_("the file holds more than the object given: a tensor, a list of tensors and a dict of "
                      "str -> tensor are plain data as they are"))


@exercise("load_tensors", points=0.75)
def test_load_tensors_reads_torch_save_files(grade):
    got, want = grade.both(tensors_loaded)
    expect_same_files(got, want, "load_tensors(path) of a torch.save file")


@exercise("load_tensors", points=0.75, needs="load_tensors_reads_torch_save_files")
def test_load_tensors_runs_no_code_from_the_file(grade):
    facts = grade.student(hostile_file_loaded)
    expect(not facts["code_ran"],
           N_("load_tensors ran code stored in the file: loading a file that pickles a call to os.mkdir made a directory"),
           hint=N_("torch.load(path, weights_only=True) reads only tensors and plain containers; weights_only=False "
                "(or pickle.load) runs whatever the file says"))


# save_params / load_params

def params_saved(checkpoints):
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "params.pt")
        checkpoints.save_params(small_net(dropout=True, seed=1), path)
        return load_safely(path)


@exercise("save_params", points=1)
def test_save_params_saves_the_state_dict(grade):
    got, want = grade.both(params_saved)
    hint = N_("save the state_dict alone, not the module")
    expect("error" not in got, _("torch.load(path, weights_only=True) cannot read save_params' file: {error}",
             error=got.get('error')),
           hint if "Weights only" in str(got.get("error")) else None)
    expect(isinstance(got["value"], dict), _("save_params' file holds a {type}, not a state_dict", type=got['type']), hint)
    expect_close(got["value"], want["value"], N_("the state_dict in save_params' file"))


def params_loaded(checkpoints):
    """load_params into a net with other weights, in training mode, from a file torch.save wrote."""
    original, target = small_net(dropout=True, seed=1).eval(), small_net(dropout=True, seed=2).train()
    X = inputs(5, 6, seed=3)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "params.pt")
        torch.save(original.state_dict(), path)
        returned = checkpoints.load_params(target, path)
    facts = {"returned_the_net": returned is target, "in_train_mode": [m.training for m in target.modules()]}
    if isinstance(returned, nn.Module):
        torch.manual_seed(0)  # used only if the net is (wrongly) still in training mode
        facts["output_as_returned"] = returned(X)
    target.eval()
    facts["output"] = target(X)
    facts["original_output"] = original(X)
    return facts


@exercise("load_params", points=0.5)
def test_load_params_restores_the_outputs(grade):
    got, want = grade.both(params_loaded)
    expect_close(got["output"], want["original_output"],
                 N_("the outputs (in eval mode) of the net load_params loaded into"))


@exercise("load_params", points=0.5)
def test_load_params_returns_the_net_in_eval_mode(grade):
    got, want = grade.both(params_loaded)
    expect(got["returned_the_net"], N_("load_params did not return the net it was given"), hint=N_("end with `return net`"))
    expect(not any(got["in_train_mode"]),
           N_("after load_params the net is still in training mode, so its Dropout layer still drops activations"),
           hint=N_("call net.eval() before returning it"))
    expect_close(got["output_as_returned"], want["output_as_returned"], N_("the outputs of the net load_params returned"))


def params_from_a_gpu(checkpoints):
    """load_params of a checkpoint whose tensors live (or are recorded as living) on cuda:0."""
    original, target = small_net(dropout=True, seed=1).eval(), small_net(dropout=True, seed=2)
    kind = gpu_checkpoint_kind()
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "params.pt")
        if kind == "real":
            torch.save({name: value.cuda() for name, value in original.state_dict().items()}, path)
        else:
            with saved_as_on_gpu():
                torch.save(original.state_dict(), path)
        plain = load_safely(path)  # without map_location: must fail on a CPU-only machine
        returned, error = attempt(lambda: checkpoints.load_params(target, path))
    facts = {"kind": kind, "plain_load_error": plain.get("error"), "error": error}
    if error is None:
        facts["devices"] = sorted({str(p.device) for p in target.parameters()})
        facts["output"] = target.eval()(inputs(5, 6, seed=3))
    return facts


def expect_gpu_simulation_is_real(want):
    """On a CPU-only machine, the reference side confirms that a plain torch.load of the file fails."""
    if want["kind"] == "simulated":
        assert want["plain_load_error"] and "CUDA" in want["plain_load_error"], (
            N_("the simulated GPU checkpoint loaded without map_location: the simulation no longer works"))


@exercise("load_params", points=1)
def test_load_params_reads_a_gpu_checkpoint_on_the_cpu(grade):
    # On a CPU-only machine this is a simulation: the file records its tensors on cuda:0
    # (see saved_as_on_gpu), byte for byte what a GPU run writes; with CUDA it is the real thing.
    got, want = grade.both(params_from_a_gpu)
    expect_gpu_simulation_is_real(want)
    hint = (N_("a state_dict saved on a GPU names cuda:0 in the file: torch.load's map_location says where its "
            "tensors go, and load_state_dict copies them to the net's device"))
    expect(got["error"] is None, _("load_params of a checkpoint saved on a GPU failed on this "
                                   "CPU net: {error}", error=got['error']),
           hint if "CUDA" in str(got["error"]) else None)
    expect_equal(got["devices"], ["cpu"], N_("the devices of the net's parameters after load_params"), hint)
    expect_close(got["output"], want["output"], N_("the outputs of the net load_params loaded a GPU checkpoint into"))


# save_checkpoint / load_checkpoint (who pays for which mistake: see the module docstring)

CHECKPOINT_EXTRAS = {"best_loss": 0.25, "note": "hi", "history": [1.0, 0.5]}


def training_batches(count, seed):
    return [(inputs(8, 6, seed=seed + i), inputs(8, 3, seed=seed + 100 + i)) for i in range(count)]


def train_steps(net, optimizer, batches):
    net.train()
    for X, y in batches:
        optimizer.zero_grad()
        F.mse_loss(net(X), y).backward()
        optimizer.step()


def fresh_training(scenario, seed):
    """"optimizer": no Dropout, Adam (its state carries over, the RNG does not matter);
    "rng": Dropout, plain SGD (no optimizer state, the RNG decides the dropout masks)."""
    net = small_net(dropout=scenario == "rng", seed=seed)
    if scenario == "optimizer":
        return net, torch.optim.Adam(net.parameters(), lr=0.01)
    return net, torch.optim.SGD(net.parameters(), lr=0.1)


def write_checkpoint(save_checkpoint, scenario, path):
    """Save a checkpoint for `scenario` at `path` with `save_checkpoint`; what is known at save time."""
    if scenario in ("optimizer", "rng"):
        # Train 3 steps, save, train 3 more: the run that resuming must reproduce.
        torch.manual_seed(0)
        net, optimizer = fresh_training(scenario, seed=1)
        train_steps(net, optimizer, training_batches(3, seed=10))
        saved = state_of(net)
        save_checkpoint(path, net, optimizer, 3)
        train_steps(net, optimizer, training_batches(3, seed=20))
        return {"saved": saved, "uninterrupted": state_of(net)}
    if scenario == "contents":
        net = small_net(seed=1)
        optimizer = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
        save_checkpoint(path, net, optimizer, 7, **CHECKPOINT_EXTRAS)
        return {"parameters": state_of(net)}
    # "gpu": a checkpoint from a GPU run (real, or simulated on a CPU-only machine).
    kind = gpu_checkpoint_kind()
    torch.manual_seed(0)
    device = "cuda" if kind == "real" else "cpu"
    net = small_net(seed=1).to(device)
    optimizer = torch.optim.Adam(net.parameters(), lr=0.01)
    train_steps(net, optimizer, [(X.to(device), y.to(device)) for X, y in training_batches(2, seed=10)])
    with contextlib.nullcontext() if kind == "real" else saved_as_on_gpu():
        save_checkpoint(path, net, optimizer, 5, note="gpu")
    plain = load_safely(path)  # without map_location: must fail on a CPU-only machine
    return {"kind": kind, "plain_load_error": plain.get("error"), "parameters": state_of(net.cpu())}


def read_checkpoint(load_checkpoint, scenario, path):
    """Load the checkpoint at `path` for `scenario` with `load_checkpoint`; what came of it."""
    if scenario in ("optimizer", "rng"):
        torch.manual_seed(12345)  # as in a new process: another RNG state, another model, a new optimizer
        net, optimizer = fresh_training(scenario, seed=2)
        load_checkpoint(path, net, optimizer)
        loaded = state_of(net)
        train_steps(net, optimizer, training_batches(3, seed=20))
        return {"loaded": loaded, "resumed": state_of(net)}
    if scenario == "contents":
        restored = small_net(seed=2)
        returned = load_checkpoint(path, restored, torch.optim.SGD(restored.parameters(), lr=0.1, momentum=0.9))
        without_optimizer = small_net(seed=3)
        load_checkpoint(path, without_optimizer)
        keys = ("epoch", *CHECKPOINT_EXTRAS)
        return {
            "is_dict": isinstance(returned, dict),
            "returned": {key: returned.get(key) for key in keys} if isinstance(returned, dict) else repr(returned)[:200],
            "parameters": state_of(restored),
            "parameters_without_optimizer": state_of(without_optimizer),
        }
    restored = small_net(seed=2)
    restored_optimizer = torch.optim.Adam(restored.parameters(), lr=0.01)
    returned, error = attempt(lambda: load_checkpoint(path, restored, restored_optimizer, map_location="cpu"))
    facts = {"error": error}
    if error is None:
        facts["epoch"] = returned.get("epoch") if isinstance(returned, dict) else None
        state_tensors = [v for state in restored_optimizer.state.values() for v in state.values() if torch.is_tensor(v)]
        facts["devices"] = sorted({str(t.device) for t in [*restored.parameters(), *state_tensors]})
        facts["parameters"] = state_of(restored)
    return facts


def checkpoint_round_trip(checkpoints, scenario):
    """The submission's save_checkpoint, then its own load_checkpoint on that file (one worker)."""
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "checkpoint.pt")
        facts = write_checkpoint(checkpoints.save_checkpoint, scenario, path)
        facts.update(read_checkpoint(checkpoints.load_checkpoint, scenario, path))
    return facts


def checkpoint_file(checkpoints, scenario):
    """The bytes of the file this side's save_checkpoint writes for `scenario` (asked of the reference only)."""
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "checkpoint.pt")
        facts = write_checkpoint(checkpoints.save_checkpoint, scenario, path)
        with open(path, "rb") as file:
            facts["file"] = torch.frombuffer(bytearray(file.read()), dtype=torch.uint8)
    return facts


def checkpoint_file_loaded(checkpoints, scenario, data: bytes):
    """This side's load_checkpoint on a file the other side wrote (`data`): a cross-side probe."""
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "checkpoint.pt")
        with open(path, "wb") as file:
            file.write(data)
        return read_checkpoint(checkpoints.load_checkpoint, scenario, path)


def expect_load_checkpoint_right(grade, scenario, judge):
    """`judge(got, want)` on the submission's own round trip; where it fails, on the reference's file instead."""
    got, want = grade.both(checkpoint_round_trip, scenario)
    reference_file = grade.reference(checkpoint_file, scenario)  # asked for always: so it is recorded
    try:
        judge(got, want)
        return
    except (CheckFailed, StudentFault):
        pass  # the submission's save_checkpoint may be at fault: that costs save_checkpoint's checks
    data = bytes(reference_file["file"].numpy())
    judge(grade.student(checkpoint_file_loaded, scenario, data), want)


def leaves(value, depth=0):
    """Every value inside nested dicts (keys included), lists and tuples, containers too."""
    yield value
    if depth > 16:
        return
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from leaves(item, depth + 1)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from leaves(item, depth + 1)


def holds_tensor(contents, tensor) -> bool:
    return any(isinstance(leaf, torch.Tensor) and leaf.shape == tensor.shape and leaf.dtype == tensor.dtype
               and torch.equal(leaf.cpu(), tensor.cpu()) for leaf in leaves(contents))


def holds_value(contents, value) -> bool:
    return any(type(leaf) is type(value) and leaf == value for leaf in leaves(contents))


def checkpoint_contents(checkpoints):
    """What save_checkpoint's file holds, whatever its layout: the layout-free reader that judges save."""
    torch.manual_seed(0)
    net = small_net(dropout=True, seed=1)
    optimizer = torch.optim.Adam(net.parameters(), lr=0.01)
    train_steps(net, optimizer, training_batches(3, seed=10))
    rng = torch.get_rng_state()
    model = state_of(net)
    optimizer_state = {f"{index}.{key}": value.detach().clone() for index, state in enumerate(optimizer.state.values())
                       for key, value in state.items() if torch.is_tensor(value)}
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "checkpoint.pt")
        checkpoints.save_checkpoint(path, net, optimizer, 7, **CHECKPOINT_EXTRAS)
        # This worker runs the submission's code anyway: a file that only weights_only=False reads is read so.
        contents, error = attempt(lambda: torch.load(path, weights_only=True))
        if error:
            contents, error = attempt(lambda: torch.load(path, weights_only=False))
    if error:
        return {"error": error}
    return {
        "error": None,
        "model_missing": [name for name, value in model.items() if not holds_tensor(contents, value)],
        "optimizer_missing": [name for name, value in optimizer_state.items() if not holds_tensor(contents, value)],
        "rng": holds_tensor(contents, rng),
        "epoch": holds_value(contents, 7),
        "extras_missing": [name for name, value in CHECKPOINT_EXTRAS.items() if not holds_value(contents, value)],
    }


def expect_checkpoint_readable(got):
    expect(got["error"] is None, _("torch.load of save_checkpoint's file failed: {error}", error=got['error']))


@exercise("save_checkpoint", points=1)
def test_save_checkpoint_stores_model_optimizer_epoch_and_extras(grade):
    got = grade.student(checkpoint_contents)
    expect_checkpoint_readable(got)
    what = N_("save_checkpoint's file, after 3 steps of Adam")
    expect(not got["model_missing"], _("{what}, does not hold the model's {model_missing} as "
                                       "they were", what=what, model_missing=got['model_missing']))
    expect(not got["optimizer_missing"], _("{what}, does not hold the optimizer's state (Adam's "
                                           "step and moments, {optimizer_missing}) as it was", what=what, optimizer_missing=got['optimizer_missing']), hint=N_("the optimizer's state lives in optimizer.state_dict()"))
    expect(got["epoch"], _("{what}, save_checkpoint(path, model, optimizer, 7, ...), does not "
                           "hold the epoch 7", what=what))
    expect(not got["extras_missing"], _("{what}, does not hold the extra values {extras_missing} given as save_checkpoint(..., {extras})",
             what=what, extras_missing=got['extras_missing'],
             extras=", ".join(f"{k}={v!r}" for k, v in CHECKPOINT_EXTRAS.items())))


@exercise("save_checkpoint", points=1)
def test_save_checkpoint_stores_the_random_number_generator(grade):
    got = grade.student(checkpoint_contents)
    expect_checkpoint_readable(got)
    expect(got["rng"], N_("save_checkpoint's file does not hold the RNG state as it was at save time "
           "(torch.get_rng_state()): resumed Dropout masks would differ from uninterrupted training"))


class Unsaveable(nn.Module):
    """A module whose state_dict holds a lambda (as its extra state): no torch.save of that state_dict succeeds."""

    def get_extra_state(self):
        return lambda: None

    def set_extra_state(self, state):
        pass


def failed_save(checkpoints):
    """A good checkpoint, then a save that cannot succeed (the model's state holds a lambda); what is left at path?"""
    torch.manual_seed(0)
    net = small_net(seed=1)
    optimizer = torch.optim.SGD(net.parameters(), lr=0.1)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "checkpoint.pt")
        checkpoints.save_checkpoint(path, net, optimizer, 1, note="first")
        with open(path, "rb") as file:
            first = file.read()
        fill_parameters(net, seed=2)  # training moved on
        net.add_module("unsaveable", Unsaveable())
        _, save_error = attempt(lambda: checkpoints.save_checkpoint(path, net, optimizer, 2, note="second"))
        exists = os.path.exists(path)
        if exists:
            with open(path, "rb") as file:
                left = file.read()
    return {"save_raised": save_error is not None, "exists": exists, "intact": exists and left == first}


@exercise("save_checkpoint", points=1)
def test_a_failed_save_leaves_the_previous_checkpoint(grade):
    got = grade.student(failed_save)
    hint = (N_("write the new checkpoint to another file in the same folder and move it onto path only once it is "
            "complete (os.replace does that in one step)"))
    expect(got["save_raised"], N_("save_checkpoint of a model whose state_dict holds a lambda did not raise, yet a "
           "lambda cannot be saved"),
           hint=N_("let the error from torch.save reach the caller"))
    expect(got["exists"], N_("after a save that failed, there is no file at path any more"), hint)
    expect(got["intact"], N_("after a save that failed, the file at path is no longer the previous checkpoint"), hint)


def expect_resumed_exactly(got, want):
    expect_close(got["loaded"], want["saved"], N_("the model's parameters right after load_checkpoint"))
    cause = {"optimizer": N_("the optimizer's state (Adam's step and moments)"),
             "rng": N_("the RNG state, from which Dropout draws its masks")}
    for name, value in want["uninterrupted"].items():
        resumed = got["resumed"][name]
        if not torch.equal(resumed, value):
            gap = (resumed - value).abs().max().item()
            expect(False, _("training resumed after load_checkpoint differs from training never interrupted: {name} "
                            "is off by up to {gap:.3g} (it must be bit for bit the same); the model was restored, "
                            "so {cause} was not", name=name, gap=gap, cause=cause[got['scenario']]))


@exercise("load_checkpoint", points=0.5)
@pytest.mark.parametrize("scenario", ["optimizer", "rng"])
def test_load_checkpoint_resumes_training_exactly(grade, scenario):
    def judge(got, want):
        expect_resumed_exactly({**got, "scenario": scenario}, want)
    expect_load_checkpoint_right(grade, scenario, judge)


def expect_epoch_and_extras(got, want):
    expect(got["is_dict"], _("load_checkpoint returned {returned}, not a dict", returned=got['returned']))
    expected = {"epoch": 7, **CHECKPOINT_EXTRAS}
    expect_equal(got["returned"], expected, "load_checkpoint's result after save_checkpoint(path, net, opt, 7, "
                 + ", ".join(f"{k}={v!r}" for k, v in CHECKPOINT_EXTRAS.items()) + ")")
    expect_close(got["parameters"], want["parameters"], N_("the model's parameters after load_checkpoint"))
    expect_close(got["parameters_without_optimizer"], want["parameters"],
                 N_("the model's parameters after load_checkpoint(path, model) with no optimizer"),
                 hint=N_("optimizer defaults to None: then restore the model only"))


@exercise("load_checkpoint", points=0.5)
def test_load_checkpoint_returns_epoch_and_extras(grade):
    expect_load_checkpoint_right(grade, "contents", expect_epoch_and_extras)


def expect_mapped_to_the_cpu(got, want):
    hint = N_("pass map_location on to torch.load")
    expect(got["error"] is None,
           _("load_checkpoint(path, model, optimizer, map_location='cpu') of a checkpoint saved "
             "on a GPU failed: {error}", error=got['error']), hint if "CUDA" in str(got["error"]) else None)
    expect_equal(got["epoch"], 5, N_("the epoch load_checkpoint returned"))
    expect_equal(got["devices"], ["cpu"], N_("the devices of the model's parameters and the optimizer's state after "
                 "load_checkpoint"), hint)
    expect_close(got["parameters"], want["parameters"], N_("the parameters after load_checkpoint"))


@exercise("load_checkpoint", points=0.5)
def test_load_checkpoint_maps_a_gpu_checkpoint_to_the_cpu(grade):
    # On a CPU-only machine this is a simulation: save_checkpoint's file records every tensor
    # on cuda:0 (see saved_as_on_gpu), as a GPU run's does; with CUDA it is the real thing.
    expect_gpu_simulation_is_real(grade.reference(checkpoint_round_trip, "gpu"))
    expect_load_checkpoint_right(grade, "gpu", expect_mapped_to_the_cpu)


# save_model / load_model

def model_saved(checkpoints):
    net = small_net(dropout=True, seed=1)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "model.pt")
        checkpoints.save_model(net, path)
        loaded, error = attempt(lambda: torch.load(path, weights_only=False))  # a whole module is not plain data
    facts = {"error": error, "type": type(loaded).__name__}
    if isinstance(loaded, nn.Module):
        facts["output"] = loaded.eval()(inputs(5, 6, seed=3))
    return facts


@exercise("save_model", points=0.5)
def test_save_model_saves_the_whole_module(grade):
    got, want = grade.both(model_saved)
    expect(got["error"] is None, _("torch.load of save_model's file failed: {error}", error=got['error']))
    expect_equal(got["type"], want["type"], N_("the type of the object in save_model's file"),
                 hint=N_("the file holds a state_dict: save the module itself") if "dict" in got["type"].lower() else None)
    expect_close(got["output"], want["output"], N_("the outputs of the module in save_model's file"))


def model_loaded(checkpoints):
    net = small_net(dropout=True, seed=1)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "model.pt")
        torch.save(net, path)
        loaded, error = attempt(lambda: checkpoints.load_model(path))
    facts = {"error": error, "type": type(loaded).__name__}
    if isinstance(loaded, nn.Module):
        facts["output"] = loaded.eval()(inputs(5, 6, seed=3))
    return facts


@exercise("load_model", points=1)
def test_load_model_loads_a_whole_module(grade):
    got, want = grade.both(model_loaded)
    hint = (N_("a whole module is code, and since PyTorch 2.6 torch.load refuses code unless told weights_only=False "
            "(say so only for files you trust)"))
    expect(got["error"] is None, _("load_model of a file torch.save(net, path) wrote failed: {error}", error=got['error']),
           hint if "Weights only" in str(got["error"]) else None)
    expect_equal(got["type"], want["type"], N_("the type of the module load_model returned"))
    expect_close(got["output"], want["output"], N_("the outputs of the module load_model returned"))


# Hidden checks
# The same behaviour on inputs the public checks never use: graded only by the course's
# autograder (`hidden=True`), left out of the student release with the probes only they use.

def params_loaded_other_weights(checkpoints):
    original, target = small_net(dropout=True, seed=7).eval(), small_net(dropout=True, seed=8).train()
    X = inputs(4, 6, seed=9)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "weights.pt")
        torch.save(original.state_dict(), path)
        checkpoints.load_params(target, path)
    return {"output": target.eval()(X), "original_output": original(X)}


@exercise("load_params", points=0.5, hidden=True)
def test_load_params_restores_other_weights(grade):
    got, want = grade.both(params_loaded_other_weights)
    expect_close(got["output"], want["original_output"], N_("the outputs of the net load_params loaded into"))
