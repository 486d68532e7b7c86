"""Checks for topic `autograd`: backward passes, gradients of intermediates, hooks and inference.

Probes (the plain functions) run in a worker on the submission and on the reference;
checks (the test functions) judge what came back. Points live on each check's marker.
Gradients and outputs are compared with the reference's; facts about the submission's own
objects (training flags, hooks left on modules, shared memory) are compared with what the
catalogue says they must be.
"""

import numpy as np
import pytest
import torch
from torch import nn

from grader.course.i18n import N_, _, _n
from grader.checks.expect import (close, expect, joined, expect_close, expect_equal, expect_input_unchanged,
                           expect_same_as_reference)
from grader.checks.probing import fill_buffers, fill_parameters, generator, inputs, size

exercise = pytest.mark.exercise


# vector_backward

def vector_backward_gradients(autograd, device, existing_grad):
    """The leaves' .grad after vector_backward(y, v), starting from None or from an existing gradient."""
    a = inputs(3, 4, device=device).requires_grad_()
    b = inputs(4, seed=1, device=device).requires_grad_()
    if existing_grad:
        a.grad = inputs(3, 4, seed=3, device=device)
        b.grad = inputs(4, seed=4, device=device)
    y = torch.tanh(a * b) + a ** 2
    autograd.vector_backward(y, inputs(3, 4, seed=2, device=device))
    return {"a.grad": a.grad, "b.grad": b.grad}


@exercise("vector_backward", points=0.5)
def test_vector_backward_gradients(grade, device):
    expect_same_as_reference(grade, vector_backward_gradients, device, False,
                             what=N_("the leaves' gradients after vector_backward(y, v)"))


@exercise("vector_backward", points=0.75)
def test_vector_backward_accumulates(grade, device):
    fresh = grade.reference(vector_backward_gradients, device, False)

    def overwritten(got, want):
        """The hint when the gradients are those of leaves that had no .grad: the old one was dropped."""
        return N_("the leaves' old .grad was replaced, not added to: backward adds into it") if close(got, fresh) else None

    expect_same_as_reference(grade, vector_backward_gradients, device, True,
                             what=N_("the leaves' gradients after vector_backward(y, v), when they already had a .grad"),
                             hint=overwritten)


# backward_twice

def backward_twice_results(autograd, device):
    """What backward_twice returns, and x.grad afterwards, for a vector and a float64 matrix."""
    results = {}
    for label, x in ((N_("a vector x"), inputs(5)), (N_("a float64 matrix x"), inputs(3, 4, seed=1, dtype=torch.float64))):
        x = x.to(device).requires_grad_()
        returned = autograd.backward_twice(x)
        results[label] = {"returned": returned, "x.grad": x.grad}
    return results


def one_backward_hint(got, want):
    """The hint when `got` is half of `want`: one backward's gradient, 2 * x, not two that accumulated."""
    if isinstance(got, torch.Tensor) and isinstance(want, torch.Tensor) and close(got * 2, want):
        return N_("this is 2 * x, the gradient of one backward call: the second call's must add to it in x.grad")
    return None


@exercise("backward_twice", points=1)
def test_backward_twice_returns_accumulated_gradient(grade, device):
    got, want = grade.both(backward_twice_results, device)
    for label in want:
        expect_close(got[label]["returned"], want[label]["returned"], _("backward_twice's result "
                                                                        "for {label} (4 * x)", label=label),
                     hint=one_backward_hint(got[label]["returned"], want[label]["returned"]))


@exercise("backward_twice", points=0.5)
def test_backward_twice_leaves_gradient_in_x(grade, device):
    got, want = grade.both(backward_twice_results, device)
    for label in want:
        expect_close(got[label]["x.grad"], want[label]["x.grad"], _("x.grad after "
                                                                    "backward_twice, for {label}", label=label),
                     hint=one_backward_hint(got[label]["x.grad"], want[label]["x.grad"]))


# intermediate_grad

def intermediate_gradient(autograd, kind):
    if kind == "vector":
        x = inputs(6).requires_grad_()
    else:  # a float64 matrix that already has a .grad
        x = inputs(2, 3, seed=1, dtype=torch.float64).requires_grad_()
        x.grad = inputs(2, 3, seed=2, dtype=torch.float64)
    return autograd.intermediate_grad(x)


def intermediate_hint(got, want, existing=None):
    """The hint for a result that is None (h's gradient was not kept) or x's gradient (3 times h's)."""
    if got is None:
        return N_("a non-leaf tensor keeps no .grad unless asked to before backward (retain_grad)")
    if isinstance(got, torch.Tensor) and isinstance(want, torch.Tensor) and got.shape == want.shape:
        if close(got, want * 3) or (existing is not None and close(got, want * 3 + existing)):
            return N_("this is the gradient with respect to x (3 times the one at h): return the one at h")
    return None


@exercise("intermediate_grad", points=0.75)
def test_intermediate_grad(grade):
    got, want = grade.both(intermediate_gradient, "vector")
    expect_close(got, want, N_("intermediate_grad(x), the gradient of y with respect to h (2 * h = 6 * x)"),
                 hint=intermediate_hint(got, want))


@exercise("intermediate_grad", points=0.25)
def test_intermediate_grad_of_a_matrix_with_existing_grad(grade):
    got, want = grade.both(intermediate_gradient, "matrix")
    expect_close(got, want, N_("intermediate_grad(x) for a float64 matrix x that already has a .grad"),
                 hint=intermediate_hint(got, want, inputs(2, 3, seed=2, dtype=torch.float64)))


# record_activations

class CountingDouble(nn.Module):
    """A leaf module that doubles its input and counts its calls."""

    def __init__(self):
        super().__init__()
        self.calls = 0

    def forward(self, X):
        self.calls += 1
        return X * 2


class Residual(nn.Module):
    """A container that is not an nn.Sequential: body(X) + skip(X)."""

    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(8, 8), nn.Tanh())
        self.skip = nn.Identity()

    def forward(self, X):
        return self.body(X) + self.skip(X)


HOOK_DICTS = ("_forward_hooks", "_forward_pre_hooks", "_backward_hooks", "_backward_pre_hooks")
GLOBAL_HOOK_DICTS = ("_global_forward_hooks", "_global_forward_pre_hooks",
                     "_global_backward_hooks", "_global_backward_pre_hooks")


def record_activations_facts(autograd):
    """The recorded activations, how often the net ran, and the hooks on every module afterwards.

    The net carries two hooks of its own (the user's), which must still be there afterwards.
    """
    # as many nn.Identity leaves at the end as the secret says (none without one): names no student file holds
    padding = [nn.Identity() for _ in range(size(50, seed=51) - 50)]
    net = fill_parameters(nn.Sequential(nn.Linear(6, 8), nn.ReLU(), Residual(), CountingDouble(), nn.Linear(8, 3),
                                        *padding))
    net.register_forward_pre_hook(lambda module, args: None)
    net[0].register_forward_hook(lambda module, args, output: None)
    activations = autograd.record_activations(net, inputs(4, 6))
    module_hooks = {}  # only the nonzero counts, so that a message lists what differs and nothing else
    for name, module in net.named_modules():
        counts = {kind.strip("_").replace("_", " "): len(getattr(module, kind, None) or {}) for kind in HOOK_DICTS}
        module_hooks[name or "the net itself"] = {kind: count for kind, count in counts.items() if count}
    global_hooks = {kind.strip("_").replace("_", " "): len(getattr(torch.nn.modules.module, kind, None) or {})
                    for kind in GLOBAL_HOOK_DICTS}
    return {"activations": activations, "calls": net[3].calls, "module_hooks": module_hooks,
            "global_hooks": global_hooks}


@exercise("record_activations", points=1.125)
def test_record_activations_outputs(grade):
    got, want = grade.both(record_activations_facts)
    expect(isinstance(got["activations"], dict),
           _("record_activations returned {__name__}, not a dict of name -> output", __name__=type(got['activations']).__name__))
    containers = set(got["activations"]) - set(want["activations"])
    expect_equal(sorted(got["activations"]), sorted(want["activations"]),
                 N_("the names record_activations returns (the dotted names of the leaf modules)"),
                 hint=N_("modules that have children (and the net itself) are not leaves") if containers else None)
    expect_close(got["activations"], want["activations"], N_("the recorded activations"))
    expect_equal(got["calls"], 1, N_("how many times record_activations ran the network"),
                 hint=N_("run net(X) once and collect every output from the hooks during that run"))


def hooks_hint(got, want):
    """The hint for hooks left behind (more than before) or the user's hooks deleted (fewer)."""
    def total(hooks):
        return sum(sum(counts.values()) for counts in hooks.values())
    if total(got) > total(want):
        return N_("remove each hook you added, with the handle its register_... call returned")
    if total(got) < total(want):
        return N_("the user's own hooks were deleted too: remove only the hooks you added, by their handles")
    return None


class ForwardFailed(RuntimeError):
    """What a failing forward pass raises in the probes below: a probe tells it from any other error."""


class Failing(nn.Module):
    """A leaf module whose forward pass raises ForwardFailed, after counting the call."""

    def __init__(self):
        super().__init__()
        self.calls = 0

    def forward(self, X):
        self.calls += 1
        raise ForwardFailed("the forward pass failed on purpose")


def after_a_failing_forward(call, net):
    """Run `call()`, whose forward pass of `net` raises at its last module: whether that forward
    ran, what came out of the call, and the hooks left on every module."""
    raised = None
    try:
        call()
    except ForwardFailed:
        raised = "ForwardFailed"
    except NotImplementedError:
        raise  # a stub: not implemented yet
    except Exception as error:  # noqa: BLE001 - what the call raised instead is what we judge
        raised = type(error).__name__
    hooks = {}
    for name, module in net.named_modules():
        count = sum(len(getattr(module, kind, None) or {}) for kind in HOOK_DICTS)
        if count:
            hooks[name or "the net itself"] = count
    global_hooks = sum(len(getattr(torch.nn.modules.module, kind, None) or {}) for kind in GLOBAL_HOOK_DICTS)
    return {"forward_ran": net[-1].calls > 0, "raised": raised, "module_hooks": hooks, "global_hooks": global_hooks,
            "modes": [m.training for m in net.modules()]}


def record_activations_when_forward_raises(autograd):
    """record_activations on a net whose last module raises: the hooks left behind afterwards."""
    net = fill_parameters(nn.Sequential(nn.Linear(6, 8), nn.ReLU(), Failing()))
    return after_a_failing_forward(lambda: autograd.record_activations(net, inputs(4, 6)), net)


def expect_failing_forward_ran(facts, name):
    """That `name` ran the failing forward pass and let its error through."""
    expect(facts["forward_ran"], _("{name} never ran the forward pass of a net whose forward raises", name=name))
    expect(facts["raised"] == "ForwardFailed",
           _("{name} on a net whose forward pass raises an error ended with {raised} instead of letting that error "
             "through", name=name, raised=facts["raised"] or _("no error")),
           hint=N_("do not catch the forward pass's error: clean up in a finally block and let it propagate"))


@exercise("record_activations", points=0.5)
def test_record_activations_leaves_no_hook_behind(grade):
    got, want = grade.both(record_activations_facts)
    # Only that the function recorded the leaves; whether it recorded nothing else is the other check's business.
    missing = set(want["activations"]) - set(got["activations"] if isinstance(got["activations"], dict) else ())
    expect(not missing, _("record_activations recorded no output for the leaf modules {missing}", missing=sorted(missing)))
    wrong = [_("{name}: {got}, expected {want}", name=name, got=got["module_hooks"].get(name) or N_("none"),
               want=hooks or N_("none"))
             for name, hooks in want["module_hooks"].items() if got["module_hooks"].get(name) != hooks]
    expect(not wrong,
           _("the hooks on the modules after record_activations differ from before the call (the net came with "
             "one forward pre-hook on itself and one forward hook on net[0]): {wrong}", wrong=joined(wrong) if wrong else ""),
           hint=hooks_hint(got["module_hooks"], want["module_hooks"]))
    expect_equal(got["global_hooks"], want["global_hooks"], N_("the global module hooks after record_activations"),
                 hint=N_("remove a global hook with the handle register_module_forward_hook returns"))


@exercise("record_activations", points=0.25)
def test_record_activations_leaves_no_hook_when_the_forward_raises(grade):
    facts = grade.student(record_activations_when_forward_raises)
    expect_failing_forward_ran(facts, "record_activations")
    expect(not facts["module_hooks"] and not facts["global_hooks"],
           _("record_activations left hooks on the modules when the forward pass raised: {hooks}",
             hooks=facts["module_hooks"] or _n("{count} global hook", "{count} global hooks",
                                              facts["global_hooks"], count=facts["global_hooks"])),
           hint=N_("register the hooks, then run the net inside try: and remove every hook in finally:, "
                   "so that they go even when the forward pass raises"))


# predict

def predict_net(device):
    """Dropout and BatchNorm make eval mode show in the output."""
    net = nn.Sequential(nn.Linear(6, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Dropout(0.5), nn.Linear(8, 3))
    return fill_buffers(fill_parameters(net)).to(device)


def predict_output(autograd, device):
    """predict's output for a net in training mode, and whether the net was in eval mode when it ran."""
    net = predict_net(device)
    net.train()
    modes = []
    net.register_forward_pre_hook(lambda module, args: modes.append(module.training))
    torch.manual_seed(0)
    return {"output": autograd.predict(net, inputs(5, 6, device=device)), "ran_in_eval_mode": modes == [False]}


def predict_facts(autograd, training):
    """What predict leaves behind: the result's autograd state and every module's training flag."""
    net = predict_net("cpu")
    net.train(training)
    out = autograd.predict(net, inputs(5, 6))
    facts = {"is_tensor": isinstance(out, torch.Tensor), "modes": [m.training for m in net.modules()],
             "parameter_grads": [p.grad is not None for p in net.parameters()]}
    if isinstance(out, torch.Tensor):
        facts.update(requires_grad=out.requires_grad, has_history=out.grad_fn is not None)
    return facts


@exercise("predict", points=0.5)
def test_predict_output_in_eval_mode(grade, device):
    expect_same_as_reference(grade, predict_output, device,
                             what=N_("predict(net, X) for a net with BatchNorm1d and Dropout that was training"),
                             hint=lambda got, want: None if got["ran_in_eval_mode"] else (
                                 N_("the net ran in training mode: Dropout dropped values and BatchNorm used the "
                                 "batch's statistics")))


@exercise("predict", points=0.5)
def test_predict_builds_no_graph(grade):
    facts = grade.student(predict_facts, True)
    expect(facts["is_tensor"], N_("predict(net, X) did not return a tensor"))
    hint = N_("run the forward pass inside `with torch.no_grad():` (or torch.inference_mode())")
    expect(not facts["requires_grad"], N_("predict(net, X)'s result requires grad: autograd recorded a graph during "
           "inference"), hint)
    expect(not facts["has_history"], N_("predict(net, X)'s result has a grad_fn: autograd recorded how it was computed"),
           hint)
    expect(not any(facts["parameter_grads"]), N_("predict gave the net's parameters gradients"),
           hint=N_("inference needs no backward pass"))


def predict_when_forward_raises(autograd, training):
    """predict on a net in training (or eval) mode whose last module raises: every module's mode afterwards."""
    net = fill_parameters(nn.Sequential(nn.Linear(6, 8), nn.Dropout(0.5), Failing()))
    net.train(training)
    return after_a_failing_forward(lambda: autograd.predict(net, inputs(4, 6)), net)


@exercise("predict", points=0.5, needs=("predict_output_in_eval_mode", "predict_builds_no_graph"))
def test_predict_restores_the_training_mode(grade):
    for training, mode in ((True, "training"), (False, "eval")):
        facts = grade.student(predict_facts, training)
        expect(all(flag == training for flag in facts["modes"]),
               _("after predict, a net that was in {mode} mode is not in {mode} mode any more", mode=mode),
               hint=N_("remember was_training = net.training before net.eval(), and call net.train(was_training) "
                    "afterwards (in a finally block)"))


@exercise("predict", points=0.25)
def test_predict_restores_the_training_mode_when_the_forward_raises(grade):
    for training, mode in ((True, "training"), (False, "eval")):
        facts = grade.student(predict_when_forward_raises, training)
        expect_failing_forward_ran(facts, "predict")
        expect(all(flag == training for flag in facts["modes"]),
               _("after predict on a net whose forward pass raised, a net that was in {mode} mode is not in {mode} "
                 "mode any more", mode=mode),
               hint=N_("restore the mode in the finally: part of try/finally, which runs even when the forward "
                       "pass raises"))


# numpy_view and numpy_copy

def numpy_facts(autograd, name):
    """For three arrays: the tensor's values, and whether writes show through in either direction."""
    g = generator(31)
    arrays = {
        "float32": np.array(torch.rand(3, 4, generator=g).numpy() * 4, dtype=np.float32),
        "float64": np.array(torch.rand(2, 3, generator=g, dtype=torch.float64).numpy() * 2 - 1),
        "int64": np.array(torch.randint(0, 50, (5,), generator=g).numpy(), dtype=np.int64),
    }
    function = getattr(autograd, name)
    facts = {}
    for label, a in arrays.items():
        t = function(a)
        if not isinstance(t, torch.Tensor):
            facts[label] = {"is_tensor": False, "type": type(t).__name__}
            continue
        first, second = np.unravel_index(1, a.shape), np.unravel_index(2, a.shape)
        values = t.clone()
        a[first] = 99
        numpy_write_shows = t.shape == a.shape and t[first].item() == 99
        t[second] = -7
        tensor_write_shows = a[second].item() == -7
        facts[label] = {"is_tensor": True, "values": values, "numpy_write_shows": numpy_write_shows,
                        "tensor_write_shows": tensor_write_shows}
    return facts


def expect_tensors(facts, name):
    for label, fact in facts.items():
        expect(fact["is_tensor"], _("{name} returned a {type} for a {label} array, not a tensor", name=name, type=fact.get('type'), label=label))


@exercise("numpy_view", points=0.5)
def test_numpy_view_values(grade):
    got, want = grade.both(numpy_facts, "numpy_view")
    expect_tensors(got, "numpy_view")
    expect_close({k: v["values"] for k, v in got.items()}, {k: v["values"] for k, v in want.items()},
                 N_("numpy_view(a)"))


@exercise("numpy_view", points=0.5, needs="numpy_view_values")
def test_numpy_view_shares_memory(grade):
    facts = grade.student(numpy_facts, "numpy_view")
    expect_tensors(facts, "numpy_view")
    for label, fact in facts.items():
        hint = N_("torch.from_numpy(a) (or torch.as_tensor(a)) shares memory; torch.tensor(a) copies")
        expect(fact["numpy_write_shows"], _("numpy_view(a) for a {label} array does not share "
                                            "memory with a: a write into a does not show in the "
                                            "tensor", label=label), hint)
        expect(fact["tensor_write_shows"], _("numpy_view(a) for a {label} array does not share "
                                             "memory with a: a write into the tensor does not "
                                             "show in a", label=label), hint)


@exercise("numpy_copy", points=0.5)
def test_numpy_copy_values(grade):
    got, want = grade.both(numpy_facts, "numpy_copy")
    expect_tensors(got, "numpy_copy")
    wrong_dtype = any(got[k]["values"].dtype != want[k]["values"].dtype for k in want)
    # a copy with the right values in another dtype does the task (its memory check is then judged on its own)
    right_values = all(got[k]["values"].shape == want[k]["values"].shape and torch.allclose(
        got[k]["values"].to(want[k]["values"].dtype), want[k]["values"]) for k in want)
    expect_close({k: v["values"] for k, v in got.items()}, {k: v["values"] for k, v in want.items()},
                 N_("numpy_copy(a)"), hint=N_("a copy keeps the array's dtype (float64 stays float64)")
                 if wrong_dtype else None, attempted=wrong_dtype and right_values)


@exercise("numpy_copy", points=0.5, needs="numpy_copy_values")
def test_numpy_copy_does_not_share_memory(grade):
    facts = grade.student(numpy_facts, "numpy_copy")
    expect_tensors(facts, "numpy_copy")
    for label, fact in facts.items():
        hint = N_("torch.tensor(a) copies; torch.from_numpy(a) and torch.as_tensor(a) share the array's memory")
        expect(not fact["numpy_write_shows"], _("numpy_copy(a) for a {label} array shares memory "
                                                "with a: a write into a shows in the tensor", label=label), hint)
        expect(not fact["tensor_write_shows"], _("numpy_copy(a) for a {label} array shares "
                                                 "memory with a: a write into the tensor shows "
                                                 "in a", label=label), hint)


# Every function given an input X must leave it as it was; predict must follow a float64 input.

def input_after_call(autograd, name):
    """X as `name`(net, X) left it (judged against a fresh copy in the trusted process)."""
    net = predict_net("cpu") if name == "predict" else fill_parameters(nn.Sequential(nn.Linear(6, 8), nn.ReLU()))
    X = inputs(5, 6, seed=4)
    getattr(autograd, name)(net, X)
    return X


def expect_keeps_input(grade, name):
    expect_input_unchanged(grade.student(input_after_call, name), inputs(5, 6, seed=4), f"{name}(net, X)",
                           hint=N_("an in-place operation on X writes into the caller's tensor"))


def predict_float64_output(autograd):
    """The dtype of predict's result for a float64 net and a float64 input."""
    out = autograd.predict(predict_net("cpu").double(), inputs(5, 6, seed=4, dtype=torch.float64))
    return str(out.dtype) if isinstance(out, torch.Tensor) else type(out).__name__


@exercise("record_activations", points=0.125, needs=("record_activations_outputs", "record_activations_leaves_no_hook_behind"))
def test_record_activations_leaves_its_input_unchanged(grade):
    expect_keeps_input(grade, "record_activations")


@exercise("predict", points=0.125, needs=("predict_output_in_eval_mode", "predict_builds_no_graph"))
def test_predict_leaves_its_input_unchanged(grade):
    expect_keeps_input(grade, "predict")


@exercise("predict", points=0.125, needs=("predict_output_in_eval_mode", "predict_builds_no_graph"))
def test_predict_follows_a_float64_input(grade):
    got = grade.student(predict_float64_output)
    expect(got == "torch.float64", _("predict of a float64 net on a float64 input gave a {got} result", got=got),
           hint=N_("a tensor made without dtype= stays float32"))


# Hidden checks
# The same behaviour on inputs the public checks never use: graded only by the course's
# autograder (`hidden=True`), left out of the student release with the probes only they use.

def vector_backward_other_shapes(autograd, device):
    a = inputs(2, 5, seed=21, device=device).requires_grad_()
    b = inputs(5, seed=22, device=device).requires_grad_()
    autograd.vector_backward(torch.sin(a) * b + b, inputs(2, 5, seed=23, device=device))
    return {"a.grad": a.grad, "b.grad": b.grad}


@exercise("vector_backward", points=0.25, hidden=True)
def test_vector_backward_on_other_shapes(grade, device):
    expect_same_as_reference(grade, vector_backward_other_shapes, device,
                             what=N_("the leaves' gradients after vector_backward(y, v)"))
