"""Checks for topic `training`: the training loop, evaluation, and moving work between devices.

Probes (the plain functions) run in a worker on the submission and on the reference;
checks (the test functions) judge what came back. Points live on each check's marker.
"""

import pytest
import torch
from torch import nn

from grader.course.i18n import N_, _
from grader.checks.expect import close, expect, expect_close, expect_equal, expect_same_as_reference
from grader.checks.probing import fill_buffers, fill_parameters, inputs, salted, size

exercise = pytest.mark.exercise


# Helpers for the probes (they run in the worker)

def classification_loader(n=48, batch_size=12, seed=0):
    """(n, 5) inputs and labels in 0..2, in batches of `batch_size`, in order."""
    from torch.utils.data import DataLoader, TensorDataset

    X = inputs(n, 5, seed=seed)
    y = torch.randint(0, 3, (n,), generator=torch.Generator().manual_seed(seed + 1))
    return DataLoader(TensorDataset(X, y), batch_size=batch_size)


def classifier(*middle):
    """Linear(5, 16), the `middle` modules, ReLU, Linear(16, 3), with fixed weights."""
    return fill_parameters(nn.Sequential(nn.Linear(5, 16), *middle, nn.ReLU(), nn.Linear(16, 3)))


def modes(net):
    return [m.training for m in net.modules()]


# train

def trained(training, device, epochs, batch_size):
    """The parameters after train() with SGD on a fixed classifier and data."""
    net = classifier().to(device)
    optimizer = torch.optim.SGD(net.parameters(), lr=0.1)
    training.train(net, classification_loader(batch_size=batch_size), nn.CrossEntropyLoss(), optimizer, epochs)
    return {name: p for name, p in net.named_parameters()}


class WatchedSGD(torch.optim.SGD):
    """SGD that notes, at each step, whether every .grad holds the last backward's gradient alone."""

    def __init__(self, params, lr):
        super().__init__(params, lr=lr)
        self.latest = {}
        self.fresh = []
        for p in self.param_groups[0]["params"]:
            p.register_hook(lambda grad, p=p: self.latest.__setitem__(p, grad.detach().clone()))

    def step(self, closure=None):
        self.fresh.append(all(p.grad is None or p not in self.latest or torch.equal(p.grad, self.latest[p])
                              for p in self.param_groups[0]["params"]))
        return super().step(closure)


def gradients_fresh_at_each_step(training):
    """For each step train() took: whether the gradients were those of that step's batch alone."""
    net = classifier()
    optimizer = WatchedSGD(net.parameters(), lr=0.1)
    training.train(net, classification_loader(), nn.CrossEntropyLoss(), optimizer, 1)
    return optimizer.fresh


def losses_reported(training):
    """What train() returns, next to the loss of every batch as the loss function computed it."""
    batch_losses = []

    def recording_loss(output, target):
        loss = nn.functional.cross_entropy(output, target)
        batch_losses.append(loss.item())
        return loss

    net = classifier()
    returned = training.train(net, classification_loader(), recording_loss, torch.optim.SGD(net.parameters(), lr=0.1), 3)
    facts = {"returned": returned, "type": type(returned).__name__, "batch_losses": batch_losses}
    if isinstance(returned, (list, tuple)):
        facts["entry_types"] = [type(value).__name__ for value in returned]
    return facts


def modes_during_training(training):
    """The training flags of every module at each forward call of train(), started in eval mode."""
    net = classifier(nn.Dropout(0.2)).eval()
    seen = []
    net.register_forward_hook(lambda module, args, output: seen.append(all(modes(module))))
    training.train(net, classification_loader(), nn.CrossEntropyLoss(), torch.optim.SGD(net.parameters(), lr=0.1), 1)
    return seen


@exercise("train", points=0.5)
def test_train_updates_parameters_like_the_reference(grade):
    got, want = grade.both(trained, "cpu", 3, 12)
    accumulated = not close(got, want) and not all(grade.student(gradients_fresh_at_each_step))
    expect_close(got, want, N_("the parameters after train() (3 epochs of 4 batches, SGD with lr=0.1)"),
                 hint=N_("the gradients were not zeroed between steps: each step added up the gradients of all the "
                      "batches before it") if accumulated else None)


@exercise("train", points=0.5)
def test_train_returns_the_mean_batch_loss_of_each_epoch(grade):
    facts = grade.student(losses_reported)
    expect(facts["type"] == "list", _("train() returned a {type}, not a list", type=facts['type']))
    expect(len(facts["returned"]) == 3, _("train() for 3 epochs returned {count} values", count=len(facts['returned'])))
    expect(all(kind == "float" for kind in facts["entry_types"]),
           _("train() returned entries of types {entry_types}, not python floats", entry_types=facts['entry_types']),
           hint=N_("loss.item() gives a python float") if "Tensor" in facts["entry_types"] else None)
    batches = facts["batch_losses"]
    expect(len(batches) == 12, _("the loss function was called {count} times in 3 epochs of 4 batches, not 12", count=len(batches)),
           hint=N_("compute the loss once per batch"))
    means = [sum(batches[i:i + 4]) / 4 for i in range(0, 12, 4)]
    last_batches = [batches[i + 3] for i in range(0, 12, 4)]
    expect_close(facts["returned"], means, N_("train()'s epoch losses against the means of its batch losses"),
                 hint=N_("each value is the loss of its epoch's last batch, not the mean over the epoch")
                 if close(facts["returned"], last_batches, rtol=1e-5, atol=1e-7) else None, rtol=1e-5, atol=1e-7)


@exercise("train", points=0.5)
def test_train_puts_the_net_in_training_mode(grade):
    seen = grade.student(modes_during_training)
    expect(seen, N_("train() never ran the net's forward"))
    expect(all(seen), N_("train() ran the net's forward in eval mode (the net came in eval mode)"),
           hint=N_("call net.train() at the start of train(): evaluation may have left the net in eval mode"))


class WatchedBatch(torch.Tensor):
    """A CPU tensor that notes every call that could move it (.to, .cuda, .cpu) and where to."""

    moves: list = []

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        if func in (torch.Tensor.to, torch.Tensor.cuda, torch.Tensor.cpu):
            cls.moves.append(func.__name__)
        return super().__torch_function__(func, types, args, kwargs or {})


def moves_batches(training):
    """Whether train() asks each batch's tensors to move to the net's device (here the CPU)."""
    from torch.utils.data import DataLoader, TensorDataset

    WatchedBatch.moves = []
    X = inputs(24, 5).as_subclass(WatchedBatch)
    y = torch.randint(0, 3, (24,), generator=torch.Generator().manual_seed(1)).as_subclass(WatchedBatch)
    net = classifier()
    training.train(net, DataLoader(TensorDataset(X, y), batch_size=12), nn.CrossEntropyLoss(),
                   torch.optim.SGD(net.parameters(), lr=0.1), 1)
    return {"moves": len(WatchedBatch.moves)}


NET_INPUT, LOSS_TARGET = N_("the net's input"), N_("the loss's target")


def batch_devices_on_another_device(training):
    """Where the batches are when train() gives them to the net and the loss, for a net on the "meta"
    device: a second device that every machine has (tensors without data, so the run ends at the
    first number it reads, after the first forward pass and loss)."""
    from torch.utils.data import DataLoader, TensorDataset

    net = classifier().to("meta")
    seen = {NET_INPUT: [], LOSS_TARGET: []}
    net.register_forward_pre_hook(lambda module, args: seen[NET_INPUT].append(str(args[0].device)))
    cross_entropy = nn.CrossEntropyLoss()

    def loss_fn(output, target):
        seen[LOSS_TARGET].append(str(target.device))
        return cross_entropy(output, target)

    X, y = inputs(24, 5), torch.randint(0, 3, (24,), generator=torch.Generator().manual_seed(1))
    try:
        training.train(net, DataLoader(TensorDataset(X, y), batch_size=12), loss_fn,
                       torch.optim.SGD(net.parameters(), lr=0.1), 1)
    except NotImplementedError:
        if not seen[NET_INPUT]:
            raise  # a stub: not implemented yet
    except Exception:  # noqa: BLE001 - a meta tensor has no number to read: where the batches went is known by then
        pass
    return {kind: devices[:1] for kind, devices in seen.items()}


@exercise("train", points=0.5)
def test_train_moves_batches_to_the_nets_device(grade, device):
    hint = (N_("move each batch to the net's device: X, y = X.to(device), y.to(device) with "
            "device = next(net.parameters()).device"))
    if device == "cpu":
        # Moving a batch to the CPU changes nothing that can be seen, so the CPU run watches
        # for the call itself: two batches of (X, y) should ask to move at least twice.
        got = grade.student(moves_batches)
        expect(got["moves"] >= 2, N_("train() never moved a batch to the net's device (no .to() call on any batch)"), hint)
        # And the net goes to the "meta" device, a second device every machine has: the batches
        # must follow it there, whatever device a loop might have written in.
        got, want = grade.both(batch_devices_on_another_device)
        expect(got[NET_INPUT], N_("train() never ran the net's forward"))
        for what in want:
            expect_equal(got[what], want[what], _("the device of {what} for the first batch in train(), for a net on "
                                                  "the 'meta' device", what=what), hint)
    else:
        # On CUDA the net lives on the GPU and the loader gives CPU batches, which train() must move.
        expect_same_as_reference(grade, trained, device, 1, 48,
                                 what=N_("the parameters after one step of train() with the net on this device"), hint=hint)


# evaluate

def evaluation(training):
    """evaluate() of a net with BatchNorm and Dropout, started in training mode and then in eval mode."""
    # and as many nn.Identity modules as the secret says (none without one): modes no student file holds
    padding = [nn.Identity() for _ in range(size(50, seed=61) - 50)]
    net = fill_buffers(classifier(nn.BatchNorm1d(16), nn.Dropout(0.5), *padding))
    net[1].running_var.add_(0.5)  # a variance well away from 0
    grad_enabled, output_requires_grad = [], []

    def record(module, args, output):
        grad_enabled.append(torch.is_grad_enabled())
        output_requires_grad.append(output.requires_grad)

    net.register_forward_hook(record)
    loader = classification_loader(n=50, batch_size=16)  # the last batch holds 2
    facts = {}
    for start in ("train", "eval"):
        net.train(start == "train")
        torch.manual_seed(0)  # Dropout's masks, if the net is wrongly left in training mode
        facts[start] = {"accuracy": training.evaluate(net, loader), "modes_after": modes(net)}
    facts["running_mean"] = net[1].running_mean  # changes if BatchNorm ran in training mode
    facts["grad_enabled"], facts["output_requires_grad"] = grad_enabled, output_requires_grad
    return facts


@exercise("evaluate", points=1)
def test_evaluate_gives_the_accuracy_in_eval_mode(grade):
    got, want = grade.both(evaluation)
    ran_training = not close(got["running_mean"], want["running_mean"]) or (
        close(got["eval"]["accuracy"], want["eval"]["accuracy"])
        and not close(got["train"]["accuracy"], want["train"]["accuracy"]))
    hint = (N_("the net ran in training mode: Dropout dropped values and BatchNorm used (and updated) the batch's "
            "statistics")) if ran_training else None
    for start in ("train", "eval"):
        accuracy = got[start]["accuracy"]
        expect(isinstance(accuracy, float), _("evaluate() returned {__name__} {accuracy!r}, not "
                                              "a float", __name__=type(accuracy).__name__, accuracy=accuracy),
               hint=N_("return a python float: correct / total with python numbers, or .item()"))
        expect_close(accuracy, want[start]["accuracy"], _("evaluate() of a net in {start} mode", start=start), hint)
    expect_close(got["running_mean"], want["running_mean"], N_("BatchNorm's running mean after evaluate()"), hint)


@exercise("evaluate", points=0.5, needs=("evaluate_gives_the_accuracy_in_eval_mode", "evaluate_builds_no_autograd_graph"))
def test_evaluate_restores_the_nets_mode(grade):
    got, want = grade.both(evaluation)
    # The hint speaks of the mistake the flags show: a net left in eval mode, or one sent back to training.
    hints = {"train": N_("the net came in training mode and was left in eval mode: remember was_training = "
                         "net.training first and end with net.train(was_training)"),
             "eval": N_("remember was_training = net.training first and end with net.train(was_training): "
                        "always ending with net.train() leaves a net that came in eval mode in training mode")}
    for start in ("train", "eval"):
        expect_equal(got[start]["modes_after"], want[start]["modes_after"],
                     _("the training flags of the net's modules after evaluate() of a net in "
                       "{start} mode", start=start), hint=hints[start])


@exercise("evaluate", points=0.5)
def test_evaluate_builds_no_autograd_graph(grade):
    got = grade.student(evaluation)
    hint = N_("run the forward passes inside `with torch.no_grad():` (or torch.inference_mode())")
    expect(got["grad_enabled"], N_("evaluate() never ran the net's forward"))
    expect(not any(got["grad_enabled"]), N_("evaluate() ran the net's forward with autograd recording"), hint)
    expect(not any(got["output_requires_grad"]), N_("evaluate()'s forward passes gave outputs that require grad"), hint)


# try_gpu / try_all_gpus

def describe_device(device):
    return {"type": type(device).__name__, "device": str(device)}


def gpus_found(training):
    return {
        "try_gpu()": describe_device(training.try_gpu()),
        "try_gpu(0)": describe_device(training.try_gpu(0)),
        "try_gpu(1)": describe_device(training.try_gpu(1)),
        "try_gpu(7)": describe_device(training.try_gpu(7)),
    }


def all_gpus_found(training):
    devices = training.try_all_gpus()
    return {"type": type(devices).__name__, "devices": [describe_device(d) for d in devices]}


def devices_here():
    """What try_gpu() and try_all_gpus() must give on this machine, worked out here: the reference's
    results are recorded on a machine without a GPU."""
    count = torch.cuda.device_count()

    def device(i):
        return describe_device(torch.device(f"cuda:{i}") if i < count else torch.device("cpu"))

    gpus = {"try_gpu()": device(0), **{f"try_gpu({i})": device(i) for i in (0, 1, 7)}}
    every = {"type": "list", "devices": [device(i) for i in range(count)] or [device(count)]}
    return gpus, every


@exercise("try_gpu", points=0.5)
def test_try_gpu(grade):
    got, want = grade.student(gpus_found), devices_here()[0]
    expect_equal(got, want, N_("try_gpu's torch.device for each i on this machine"))


@exercise("try_all_gpus", points=0.5)
def test_try_all_gpus(grade):
    got, want = grade.student(all_gpus_found), devices_here()[1]
    expect_equal(got, want, N_("try_all_gpus() on this machine"))


# to_device

def nested_batch():
    """A batch of nested containers, its tensors' sizes drawn from the secret where there is one."""
    return {
        "inputs": [inputs(size(2, seed=11), size(3, seed=12)), (inputs(size(4, seed=13), seed=1), 3, "label"), []],
        "target": torch.arange(size(4, seed=14)),
        "meta": {"ids": (1, 2), "weights": [inputs(1, seed=2).double()], "name": None},
        "scale": 0.5,
    }


def describe(obj):
    """The container types and non-tensor values of `obj`, and every tensor's shape and dtype (not its device)."""
    if isinstance(obj, torch.Tensor):
        return ("tensor", tuple(obj.shape), str(obj.dtype))
    if isinstance(obj, dict):
        return (type(obj).__name__, {key: describe(value) for key, value in obj.items()})
    if isinstance(obj, (list, tuple)):
        return (type(obj).__name__, [describe(value) for value in obj])
    return (type(obj).__name__, repr(obj))


def tensors_in(obj):
    """Every tensor inside `obj`, at any depth, in order."""
    if isinstance(obj, torch.Tensor):
        return [obj]
    values = obj.values() if isinstance(obj, dict) else obj if isinstance(obj, (list, tuple)) else []
    return [tensor for value in values for tensor in tensors_in(value)]


def moved(training, target):
    """to_device(nested_batch(), target): its description, its tensors, and their values where they can be read."""
    result = training.to_device(nested_batch(), target)
    tensors = tensors_in(result)
    return {"description": describe(result),
            "tensors": sorted((str(t.device), tuple(t.shape), str(t.dtype)) for t in tensors),
            "values": None if target == "meta" else [t.cpu() for t in tensors]}


@exercise("to_device", points=0.5, needs="to_device_moves_every_tensor")
def test_to_device_keeps_containers_and_other_values(grade):
    got, want = grade.both(moved, "meta")
    expect_equal(got["description"], want["description"], N_("to_device(batch, 'meta'): its containers and values"))


@exercise("to_device", points=0.5)
def test_to_device_moves_every_tensor(grade, device):
    # On a CPU-only machine a move to the CPU cannot be seen: the cpu run moves to the "meta"
    # device (shapes without data), which every machine has. On CUDA the move is the real one.
    target = "meta" if device == "cpu" else device
    got, want = grade.both(moved, target)
    devices = {device for device, _, _ in got["tensors"]} if isinstance(got["tensors"], list) else set()
    hint = N_("some tensors were moved and others, deeper down, were not") if len(devices) > 1 else None
    expect_equal(got["tensors"], want["tensors"], _("the tensors (device, shape, dtype) after "
                                                    "to_device(batch, {target!r})", target=target),
                 hint, attempted=target in devices)  # some were moved: a wrong answer that tries
    if want["values"] is not None:
        expect_close(got["values"], want["values"], _("the tensors' values after "
                                                      "to_device(batch, {target!r})", target=target), hint,
                     check_device=False)


# fit_regression

def regression_data(seed):
    """The catalogue's make_regression_data, the grader's own copy."""
    g = torch.Generator().manual_seed(seed)
    X = torch.rand(200, 2, generator=g) * 2 - 1
    return X, 0.5 * (torch.sin(2 * X[:, :1]) + X[:, 1:] ** 2)


FIT_SEEDS = (0, 1, 2)  # every fit check reads one fitted() run: the fits are the topic's slowest probe


def fit_seeds():
    """FIT_SEEDS, or seeds drawn from the secret: what the fitted nets are is then nothing a student file holds."""
    return tuple(salted(seed) % 10_000 for seed in FIT_SEEDS)


def fitted_facts(grade, both=False):
    """The fitted() run of every fit check, for the seeds of this grading run, which the reply must be for."""
    seeds = fit_seeds()
    got, want = grade.both(fitted, seeds) if both else (grade.student(fitted, seeds), None)
    expect_equal(sorted(got) if isinstance(got, dict) else got, sorted(seeds),
                 N_("the seeds fit_regression's facts came back for"))
    return seeds, got, want


def fitted(training, seeds):
    """For each seed: the returned net's structure, its MSE recomputed here, and the MSE returned."""
    facts = {}
    for seed in seeds:
        net, returned_mse = training.fit_regression(seed)
        X, y = regression_data(seed)
        with torch.no_grad():
            mse = nn.functional.mse_loss(net(X), y).item()
        facts[seed] = {
            "structure": [(type(m).__name__, [tuple(p.shape) for p in m.parameters()]) for m in net.children()],
            "type": type(net).__name__,
            "mse": mse,
            "returned_mse": returned_mse,
        }
    return facts


@exercise("fit_regression", points=0.25)
def test_fit_regression_uses_the_catalogues_network(grade):
    seeds, got, want = fitted_facts(grade, both=True)
    first = seeds[0]
    expect_equal((got[first]["type"], got[first]["structure"]), (want[first]["type"], want[first]["structure"]),
                 N_("the network fit_regression returned (type, and each layer with its parameters' shapes)"))


MSE_BOUND = 0.05


@exercise("fit_regression", points=0.75)
def test_fit_regression_reaches_the_loss_bound(grade):
    _seeds, facts, _want = fitted_facts(grade)
    for seed, fact in facts.items():
        expect(fact["mse"] < MSE_BOUND,
               _("fit_regression({seed})'s net has mean squared error {mse:.4g} on "
                 "make_regression_data({seed}), not below {MSE_BOUND}", seed=seed, mse=fact['mse'], MSE_BOUND=MSE_BOUND),
               hint=N_("train longer or with a larger learning rate"))


@exercise("fit_regression", points=0.5)
def test_fit_regression_returns_its_final_mse(grade):
    seeds, facts, _want = fitted_facts(grade)
    seed, facts = seeds[0], facts[seeds[0]]
    hint = N_("after training, return loss_fn(net(X), y).item() on the whole data: a python float")
    expect(isinstance(facts["returned_mse"], float),
           _("fit_regression returned {__name__} {returned_mse!r} as the MSE, not a float", __name__=type(facts['returned_mse']).__name__, returned_mse=facts['returned_mse']), hint)
    expect_close(facts["returned_mse"], facts["mse"], _("the MSE fit_regression({seed}) returned against the MSE of its net", seed=seed),
                 hint, rtol=1e-4, atol=1e-7)


# Hidden checks
# The same behaviour on inputs the public checks never use: graded only by the course's
# autograder (`hidden=True`), left out of the student release with the probes only they use.

@exercise("train", points=0.5, hidden=True)
def test_train_with_other_epochs_and_batches(grade):
    got, want = grade.both(trained, "cpu", 2, 8)
    expect_close(got, want, N_("the parameters after train() (2 epochs of 6 batches, SGD with lr=0.1)"))
