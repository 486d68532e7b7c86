"""Checks for topic `optimizers`: the classic update rules by hand, each equal to its torch.optim twin.

Probes (the plain functions) run in a worker on the submission and on the reference;
checks (the test functions) judge what came back. Points live on each check's marker.

Every hand-written rule is run for 20 steps on a small float64 problem and compared, step by
step, with the torch.optim optimizer the catalogue names and with the reference. The
torch.optim run is a probe that never touches the topic module, run on the reference side
only (`grade.reference`, `@reference_side`: a submission's workers are not even sent it), so a
submission cannot tamper with what it is compared with. For
the adaptive rules the gradients are ~1e-6, the size of `eps`, so putting `eps` inside the
square root (sqrt(s + eps) instead of sqrt(s) + eps) moves the parameters far outside the
tolerance. The other facets (skipping parameters without a gradient, state kept in the
lists, resuming, param groups, closures) compare a submission with itself, so that a wrong
formula costs the points of the formula only.
"""

import copy
from dataclasses import dataclass

import pytest
import torch

from grader.course.i18n import N_, _
from grader.checks.expect import close, expect, expect_close
from grader.checks.probing import inputs, reference_side

exercise = pytest.mark.exercise

STEPS = 20
DTYPE = torch.float64


@dataclass(frozen=True)
class Rule:
    """How to call one hand-written rule, and its torch.optim twin with the same settings."""

    states: int  # how many state lists the function takes
    args: tuple  # the arguments after the params and state lists (adam's t is appended)
    optimizer: str  # the torch.optim class
    settings: dict  # its keyword arguments
    gradient_scale: float  # ~1e-6 where eps must be in the right place to match
    takes_step: bool = False  # adam also takes t, the step number counted from 1

    def call(self, function, params, states, t):
        function(list(params), *states, *self.args, *((t,) if self.takes_step else ()))


RULES = {
    "sgd_update": Rule(0, (0.1,), "SGD", {"lr": 0.1}, 1.0),
    "sgd_momentum": Rule(1, (0.05, 0.9), "SGD", {"lr": 0.05, "momentum": 0.9}, 1.0),
    "sgd_adagrad": Rule(1, (0.1,), "Adagrad", {"lr": 0.1, "eps": 1e-10}, 1e-6),
    "rmsprop": Rule(1, (0.01, 0.9), "RMSprop", {"lr": 0.01, "alpha": 0.9, "eps": 1e-8}, 1e-6),
    "adadelta": Rule(2, (0.9,), "Adadelta", {"lr": 1.0, "rho": 0.9, "eps": 1e-6}, 1.0),
    "adam": Rule(2, (0.01,), "Adam", {"lr": 0.01, "betas": (0.9, 0.999), "eps": 1e-8}, 1e-6, takes_step=True),
}
TWIN = {name: f"torch.optim.{rule.optimizer}({', '.join(f'{k}={v}' for k, v in rule.settings.items())})"
        for name, rule in RULES.items()}


# The problem every optimizer minimizes: a small tanh regression, W (3, 4) and b (4,).

def start_values(device, seed=0):
    return [inputs(3, 4, seed=seed, dtype=DTYPE, device=device), inputs(4, seed=seed + 1, dtype=DTYPE, device=device)]


def fresh_parameters(values):
    return [value.detach().clone().requires_grad_() for value in values]


def loss(params, scale, device):
    W, b = params
    X = inputs(16, 3, seed=10, dtype=DTYPE, device=device)
    Y = inputs(16, 4, seed=11, dtype=DTYPE, device=device).tanh()
    return scale * ((torch.tanh(X @ W + b) - Y) ** 2).sum(dim=1).mean()


def backward(params, scale, device):
    for p in params:
        p.grad = None
    loss(params, scale, device).backward()


def as_path(steps):
    """[[W, b] after step 1, ...] -> {"W": (steps, 3, 4), "b": (steps, 4)}."""
    return {"W": torch.stack([W for W, _ in steps]), "b": torch.stack([b for _, b in steps])}


def named(params):
    """[W, b] -> {"W": W, "b": b}, so that a message names the parameter that differs."""
    return dict(zip("Wb", params))


def snapshot(params):
    return [p.detach().clone() for p in params]


def run_rule(function, rule, params, states, device, first_step, steps, scale=None, gradients_kept=None):
    """`steps` updates of a hand-written rule (gradients scaled by `scale`, the rule's own by default);
    whether each update left every .grad as it found it is appended to `gradients_kept`, when given."""
    path = []
    for t in range(first_step, first_step + steps):
        backward(params, rule.gradient_scale if scale is None else scale, device)
        before = [(p.grad, None if p.grad is None else p.grad.clone()) for p in params]
        rule.call(function, params, states, t)
        if gradients_kept is not None:
            gradients_kept.append(all(p.grad is grad and (grad is None or torch.equal(grad, value))
                                      for p, (grad, value) in zip(params, before)))
        path.append(snapshot(params))
    return path


def zero_states(rule, params):
    return [[torch.zeros_like(p) for p in params] for _ in range(rule.states)]


# Probes

def hand_path(optimizers, device, name, scale=None):
    """The parameters after each of STEPS updates of the submission's rule `name`, and whether its state changed."""
    rule = RULES[name]
    params = fresh_parameters(start_values(device))
    states = zero_states(rule, params)
    kept = []
    path = as_path(run_rule(getattr(optimizers, name), rule, params, states, device, 1, STEPS, scale, kept))
    return {"path": path, "state_changed": [any(bool(s.any()) for s in state) for state in states],
            "gradients_kept": all(kept)}


@reference_side
def torch_optim_path(_module, device, name, scale=None):
    """The same run with the torch.optim twin; never touches the topic module (reference side only)."""
    rule = RULES[name]
    params = fresh_parameters(start_values(device))
    optimizer = getattr(torch.optim, rule.optimizer)(params, **rule.settings)
    path = []
    for _ in range(STEPS):
        backward(params, rule.gradient_scale if scale is None else scale, device)
        optimizer.step()
        path.append(snapshot(params))
    return as_path(path)


def skips_missing_gradients(optimizers, name):
    """Three updates with a parameter that is never used (its .grad stays None) between W and b."""
    rule, function = RULES[name], getattr(optimizers, name)
    W, b = fresh_parameters(start_values("cpu"))
    unused = inputs(5, seed=2, dtype=DTYPE).requires_grad_()
    params = [W, unused, b]
    states = zero_states(rule, params)
    for t in range(1, 4):
        backward([W, b], rule.gradient_scale, "cpu")
        rule.call(function, params, states, t)
    alone = fresh_parameters(start_values("cpu"))
    run_rule(function, rule, alone, zero_states(rule, alone), "cpu", 1, 3)
    return {
        "unused": unused, "unused_states": [state[1] for state in states],
        "used": named([W, b]), "used_alone": named(alone), "start": named(start_values("cpu")),
        "leaves": [{"is_leaf": p.is_leaf, "requires_grad": p.requires_grad, "has_no_grad_fn": p.grad_fn is None}
                   for p in params],
    }


def resumes_from_state_lists(optimizers, name):
    """12 updates in one go, and 6 + 6 where the second half starts from copies of params and states."""
    rule, function = RULES[name], getattr(optimizers, name)
    params = fresh_parameters(start_values("cpu"))
    whole = run_rule(function, rule, params, zero_states(rule, params), "cpu", 1, 12)[-1]
    params = fresh_parameters(start_values("cpu"))
    states = zero_states(rule, params)
    run_rule(function, rule, params, states, "cpu", 1, 6)
    copies = fresh_parameters(params)
    copied_states = [[s.clone() for s in state] for state in states]
    resumed = run_rule(function, rule, copies, copied_states, "cpu", 7, 6)[-1]
    return {"whole": named(whole), "resumed": named(resumed), "start": named(start_values("cpu"))}


# Judging

EPS_HINT = (N_("with large gradients your steps match, with gradients the size of eps they do not: "
            "eps goes outside the square root, sqrt(s) + eps, as in torch.optim"))


def eps_diagnosis(grade, probe, device, twin, *args):
    """A function that returns EPS_HINT when the submission matches its twin with gradients of ~1000
    (where eps does not matter), else None.

    The adaptive rules take the same steps whatever the gradients' scale, but for eps: a formula
    right but for where eps goes matches its twin once the gradients dwarf eps. The twin's path
    is asked for before any judging, so that it is among the reference's recorded results.
    """
    if RULES[twin].gradient_scale == 1.0:
        return lambda: None
    twin_path = grade.reference(torch_optim_path, device, twin, 1e3)

    def diagnose():
        large = grade.student(probe, device, *args, 1e3)
        large = large["path"] if isinstance(large, dict) and "path" in large else large
        return EPS_HINT if close(large, twin_path) else None

    return diagnose


def expect_path(grade, what, device, got, want, twin, hint):
    """The submission's path against torch.optim's (reference side), the reference's, and on CUDA the CPU's."""
    hint = hint and _("{hint} (in the message, a tensor's first index is the step, from 0)", hint=hint)
    expect_close(got, grade.reference(torch_optim_path, device, twin),
                 _("{STEPS} steps of {what}, against {twin}: the parameter", STEPS=STEPS, what=what, twin=TWIN[twin]), hint)
    expect_close(got, want, _("{STEPS} steps of {what}, against the reference: the parameter", STEPS=STEPS, what=what), hint)
    if device != "cpu":
        expect_close(got, grade.reference(torch_optim_path, "cpu", twin),
                     _("{STEPS} steps of {what} on {device}, against {twin} on the CPU: the parameter",
                       STEPS=STEPS, what=what, device=device, twin=TWIN[twin]), hint,
                     rtol=1e-5, atol=1e-7, check_device=False)


def moved(got, start) -> bool:
    """Every value is finite and the parameters are no longer where they started."""
    got, start = torch.cat([g.flatten() for g in got.values()]), torch.cat([s.flatten() for s in start.values()])
    return bool(torch.isfinite(got).all()) and not torch.allclose(got, start)


def expect_matches_torch_optim(grade, name, device):
    got, want = grade.both(hand_path, device, name)
    for index, changed in enumerate(got["state_changed"]):
        expect(changed, _("after {STEPS} steps of {name}, its state list number {number} still holds only zeros",
                          STEPS=STEPS, name=name, number=index + 1),
               hint=N_("`s = ...` makes a new tensor and leaves the one in the list as it was: change the list's "
                    "tensor in place, or store the new one in the list"))
    diagnose = eps_diagnosis(grade, hand_path, device, name, name)
    hint = None if close(got["path"], grade.reference(torch_optim_path, device, name)) else diagnose()
    expect_path(grade, name, device, got["path"], want["path"], name, hint)
    expect(got["gradients_kept"], _("{name} changed the parameters' .grad: {twin}.step() leaves every gradient as "
                                    "it is", name=name, twin=TWIN[name]),
           hint=N_("an update only reads the gradients; clearing them is the training loop's job "
                   "(optimizer.zero_grad() before the next backward pass)"))


def expect_skips_missing_gradients(grade, name):
    got, want = grade.both(skips_missing_gradients, name)
    recorded = N_("the update was recorded by autograd: update the parameters in place with autograd off")
    for index, (fact, expected) in enumerate(zip(got["leaves"], want["leaves"])):
        expect(fact["has_no_grad_fn"] == expected["has_no_grad_fn"],
               _("after {name}, parameter {index} has a grad_fn (it was computed from other tensors)", name=name, index=index), recorded)
        expect(fact["is_leaf"] == expected["is_leaf"], _("after {name}, parameter {index} is no "
                                                         "longer a leaf tensor", name=name, index=index),
               recorded)
        expect(fact["requires_grad"] == expected["requires_grad"],
               _("after {name}, parameter {index} no longer requires grad", name=name, index=index))
    expect_close(got["unused"], want["unused"], _("a parameter whose .grad is None, after {name}", name=name),
                 hint=N_("skip parameters whose .grad is None: `if p.grad is None: continue`"), rtol=0, atol=0)
    for index, state in enumerate(got["unused_states"]):
        expect_close(state, want["unused_states"][index], _("the state of a parameter whose "
                                                            ".grad is None, after {name}", name=name),
                     hint=N_("skip parameters whose .grad is None entirely, their state included"), rtol=0, atol=0)
    expect(moved(got["used"], got["start"]), _("{name} did not move the parameters that have a "
                                               "gradient (or made them inf/nan)", name=name), hint=N_("update every parameter whose .grad is not None, in place"))
    expect_close(got["used"], got["used_alone"],
                 _("3 steps of {name} with an extra parameter that has no .grad, against the "
                   "same without it: the parameter", name=name),
                 hint=N_("a parameter without a gradient must change nothing: keep params and states paired by "
                      "position (zip(params, states))"))


def expect_resumes(grade, name):
    got = grade.student(resumes_from_state_lists, name)
    expect(moved(got["whole"], got["start"]), _("{name} did not move the parameters (or made "
                                                "them inf/nan)", name=name),
           hint=N_("update every parameter whose .grad is not None, in place"))
    expect_close(got["resumed"], got["whole"],
                 _("6 steps of {name}, then 6 more from copies of the parameters and of the "
                   "state lists, against 12 steps in one go: the parameter", name=name),
                 hint=N_("keep all the state in the lists you are given (update their tensors in place or replace "
                      "their entries), not in globals or attributes, so a copy of them continues the run"),
                 rtol=0, atol=0)


# The six hand-written rules: each worth 1 for its path, 0.5 for skipping and resuming,
# except plain SGD, which has no state to resume from.

@exercise("sgd_update", points=0.5)
def test_sgd_update_matches_torch_optim(grade, device):
    expect_matches_torch_optim(grade, "sgd_update", device)


@exercise("sgd_update", points=0.5)
def test_sgd_update_skips_parameters_without_gradient(grade):
    expect_skips_missing_gradients(grade, "sgd_update")


@exercise("sgd_momentum", points=1)
def test_sgd_momentum_matches_torch_optim(grade, device):
    expect_matches_torch_optim(grade, "sgd_momentum", device)


@exercise("sgd_momentum", points=0.5)
def test_sgd_momentum_skips_parameters_without_gradient(grade):
    expect_skips_missing_gradients(grade, "sgd_momentum")


@exercise("sgd_momentum", points=0.5)
def test_sgd_momentum_keeps_its_state_in_the_lists(grade):
    expect_resumes(grade, "sgd_momentum")


@exercise("sgd_adagrad", points=1)
def test_sgd_adagrad_matches_torch_optim(grade, device):
    expect_matches_torch_optim(grade, "sgd_adagrad", device)


@exercise("sgd_adagrad", points=0.5)
def test_sgd_adagrad_skips_parameters_without_gradient(grade):
    expect_skips_missing_gradients(grade, "sgd_adagrad")


@exercise("sgd_adagrad", points=0.5)
def test_sgd_adagrad_keeps_its_state_in_the_lists(grade):
    expect_resumes(grade, "sgd_adagrad")


@exercise("rmsprop", points=1)
def test_rmsprop_matches_torch_optim(grade, device):
    expect_matches_torch_optim(grade, "rmsprop", device)


@exercise("rmsprop", points=0.5)
def test_rmsprop_skips_parameters_without_gradient(grade):
    expect_skips_missing_gradients(grade, "rmsprop")


@exercise("rmsprop", points=0.5)
def test_rmsprop_keeps_its_state_in_the_lists(grade):
    expect_resumes(grade, "rmsprop")


@exercise("adadelta", points=1)
def test_adadelta_matches_torch_optim(grade, device):
    expect_matches_torch_optim(grade, "adadelta", device)


@exercise("adadelta", points=0.5)
def test_adadelta_skips_parameters_without_gradient(grade):
    expect_skips_missing_gradients(grade, "adadelta")


@exercise("adadelta", points=0.5)
def test_adadelta_keeps_its_state_in_the_lists(grade):
    expect_resumes(grade, "adadelta")


@exercise("adam", points=0.5)
def test_adam_matches_torch_optim(grade, device):
    expect_matches_torch_optim(grade, "adam", device)


@exercise("adam", points=0.5)
def test_adam_skips_parameters_without_gradient(grade):
    expect_skips_missing_gradients(grade, "adam")


@exercise("adam", points=0.5)
def test_adam_keeps_its_state_in_the_lists(grade):
    expect_resumes(grade, "adam")


# MyAdam

def my_adam_steps(optimizer, params, device, steps, scale=1e-6):
    path = []
    for _ in range(steps):
        optimizer.zero_grad()
        loss(params, scale, device).backward()
        optimizer.step()
        path.append(snapshot(params))
    return path


def my_adam_path(optimizers, device, scale=1e-6):
    """STEPS steps of MyAdam with the settings of the `adam` rule (lr=0.01, default betas and eps)."""
    params = fresh_parameters(start_values(device))
    return as_path(my_adam_steps(optimizers.MyAdam(params, lr=0.01), params, device, STEPS, scale))


def my_adam_resume(optimizers):
    """12 steps in one go, and 6 + 6 through state_dict() into a new MyAdam over copies of the parameters."""
    params = fresh_parameters(start_values("cpu"))
    whole = my_adam_steps(optimizers.MyAdam(params, lr=0.01), params, "cpu", 12)[-1]
    params = fresh_parameters(start_values("cpu"))
    optimizer = optimizers.MyAdam(params, lr=0.01)
    my_adam_steps(optimizer, params, "cpu", 6)
    saved = copy.deepcopy(optimizer.state_dict())
    copies = fresh_parameters(params)
    resumed_optimizer = optimizers.MyAdam(copies, lr=0.01)
    resumed_optimizer.load_state_dict(saved)
    resumed = my_adam_steps(resumed_optimizer, copies, "cpu", 6)[-1]
    return {"whole": named(whole), "resumed": named(resumed), "start": named(start_values("cpu"))}


def separate_losses(W, b):
    """A loss in which W and b do not interact, so each one's path depends on its own settings only."""
    X, Y = inputs(16, 3, seed=10, dtype=DTYPE), inputs(16, 4, seed=11, dtype=DTYPE).tanh()
    return ((torch.tanh(X @ W) - Y) ** 2).sum(dim=1).mean() + ((torch.tanh(b) - 0.5) ** 2).sum()


def my_adam_groups(optimizers):
    """W in a group with lr=0.1, b in one with the default lr=0.01; and each alone with either lr."""
    def run(make, steps=8):
        W, b = fresh_parameters(start_values("cpu"))
        optimizer = make(W, b)
        for _ in range(steps):
            optimizer.zero_grad()
            separate_losses(W, b).backward()
            optimizer.step()
        return [W, b]

    MyAdam = optimizers.MyAdam
    W, b = run(lambda W, b: MyAdam([{"params": [W], "lr": 0.1}, {"params": [b]}], lr=0.01))
    W_alone, _ = run(lambda W, b: MyAdam([W], lr=0.1))
    W_slow, _ = run(lambda W, b: MyAdam([W], lr=0.01))
    _, b_alone = run(lambda W, b: MyAdam([b], lr=0.01))
    return {"W": W, "b": b, "W_alone": W_alone, "W_slow": W_slow, "b_alone": b_alone,
            "start": named(start_values("cpu"))}


def my_adam_closure(optimizers):
    """5 steps through step(closure) and 5 with backward() outside step(): the same path."""
    params = fresh_parameters(start_values("cpu"))
    optimizer = optimizers.MyAdam(params, lr=0.01)
    computed, returned = [], []

    def closure():
        optimizer.zero_grad()
        value = loss(params, 1.0, "cpu")
        value.backward()
        computed.append(value.item())
        return value

    for _ in range(5):
        result = optimizer.step(closure)
        returned.append(result.item() if isinstance(result, torch.Tensor) and result.numel() == 1
                        else float(result) if isinstance(result, float) else repr(result))
    plain = fresh_parameters(start_values("cpu"))
    expected = my_adam_steps(optimizers.MyAdam(plain, lr=0.01), plain, "cpu", 5, scale=1.0)[-1]
    return {"computed": computed, "returned": returned, "params": named(params), "plain": named(expected),
            "start": named(start_values("cpu"))}


def my_adam_basics(optimizers):
    """What kind of object MyAdam is, its defaults, and 3 steps with a parameter whose .grad stays None."""
    W, b = fresh_parameters(start_values("cpu"))
    unused = inputs(5, seed=2, dtype=DTYPE).requires_grad_()
    optimizer = optimizers.MyAdam([W, unused, b], lr=0.02, betas=(0.8, 0.99), eps=1e-7)
    plain = optimizers.MyAdam([inputs(2).requires_grad_()])
    my_adam_steps(optimizer, [W, b], "cpu", 3, scale=1.0)

    def settings(opt):
        return {key: tuple(value) if key == "betas" else value
                for key, value in opt.defaults.items() if key in ("lr", "betas", "eps")}

    return {
        "is_optimizer": isinstance(optimizer, torch.optim.Optimizer),
        "defaults": settings(optimizer), "default_defaults": settings(plain),
        "unused": unused, "used": named([W, b]), "start": named(start_values("cpu")),
    }


@exercise("MyAdam", points=1.25)
def test_my_adam_matches_torch_optim(grade, device):
    got, want = grade.both(my_adam_path, device)
    diagnose = eps_diagnosis(grade, my_adam_path, device, "adam")
    hint = None if close(got, grade.reference(torch_optim_path, device, "adam")) else diagnose()
    expect_path(grade, "MyAdam(params, lr=0.01)", device, got, want, "adam", hint)


@exercise("MyAdam", points=0.75)
def test_my_adam_resumes_from_its_state_dict(grade):
    got = grade.student(my_adam_resume)
    expect(moved(got["whole"], got["start"]), N_("MyAdam did not move the parameters (or made them inf/nan)"))
    expect_close(got["resumed"], got["whole"],
                 N_("6 steps of MyAdam, state_dict(), a new MyAdam over copies of the parameters, "
                 "load_state_dict() and 6 more steps, against 12 steps in one go: the parameter"),
                 hint=N_("keep every parameter's step and moments in self.state[p] (not in an attribute of your "
                      "own): state_dict() saves only self.state and self.param_groups"),
                 rtol=0, atol=0)


@exercise("MyAdam", points=0.5)
def test_my_adam_uses_each_groups_lr(grade):
    got = grade.student(my_adam_groups)
    expect(moved({"W": got["W"], "b": got["b"]}, got["start"]),
           N_("MyAdam did not move the parameters (or made them inf/nan)"))
    expect(not torch.allclose(got["W_alone"], got["W_slow"]),
           N_("MyAdam([W], lr=0.1) and MyAdam([W], lr=0.01) move W the same way: lr is ignored"),
           hint=N_("use group['lr'] of the group each parameter is in"))
    expect_close(got["W"], got["W_alone"], N_("W in a param group with lr=0.1, against MyAdam([W], lr=0.1)"),
                 hint=N_("loop over self.param_groups and use each group's own group['lr'], not self.defaults['lr']"))
    expect_close(got["b"], got["b_alone"], N_("b in a param group without its own lr, against MyAdam([b], lr=0.01)"),
                 hint=N_("loop over self.param_groups and use each group's own settings"))


@exercise("MyAdam", points=0.25)
def test_my_adam_supports_a_closure(grade):
    got = grade.student(my_adam_closure)
    expect(len(got["computed"]) == 5, _("5 calls of step(closure) called the closure {count} times", count=len(got['computed'])),
           hint=N_("in step(), call closure() once (under torch.enable_grad()) before updating"))
    expect_close(got["returned"], got["computed"], N_("what step(closure) returned, against the closure's loss"),
                 hint=N_("return the loss that closure() returned"))
    expect(moved(got["params"], got["start"]), N_("MyAdam.step(closure) did not move the parameters"),
           hint=N_("call closure() first: it computes the gradients that the update uses"))
    expect_close(got["params"], got["plain"], N_("5 steps of step(closure), against 5 of backward() then step(): "
                 "the parameter"),
                 hint=N_("call closure() before the update, once per step"))


@exercise("MyAdam", points=0.25)
def test_my_adam_is_an_optimizer_and_skips_parameters_without_gradient(grade):
    got, want = grade.both(my_adam_basics)
    expect(got["is_optimizer"] is True, N_("MyAdam is not a torch.optim.Optimizer"),
           hint=N_("class MyAdam(torch.optim.Optimizer) and call super().__init__(params, defaults)"))
    expect_close(got["defaults"], want["defaults"], N_("MyAdam(params, lr=0.02, betas=(0.8, 0.99), eps=1e-7).defaults"),
                 hint=N_("pass dict(lr=lr, betas=betas, eps=eps) to super().__init__"))
    expect_close(got["default_defaults"], want["default_defaults"], N_("MyAdam(params).defaults"),
                 hint=N_("the defaults are lr=1e-3, betas=(0.9, 0.999), eps=1e-8"))
    expect_close(got["unused"], want["unused"], N_("a parameter whose .grad is None, after 3 steps of MyAdam"),
                 hint=N_("skip parameters whose .grad is None: `if p.grad is None: continue`"), rtol=0, atol=0)
    expect(moved(got["used"], got["start"]), N_("MyAdam did not move the parameters that have a gradient"))


# Hidden checks
# The same behaviour on inputs the public checks never use: graded only by the course's
# autograder (`hidden=True`), left out of the student release with the probes only they use.

def hand_path_from(optimizers, device, name, seed):
    rule = RULES[name]
    params = fresh_parameters(start_values(device, seed))
    return as_path(run_rule(getattr(optimizers, name), rule, params, zero_states(rule, params), device, 1, STEPS))


@reference_side
def torch_optim_path_from(_module, device, name, seed):
    rule = RULES[name]
    params = fresh_parameters(start_values(device, seed))
    optimizer = getattr(torch.optim, rule.optimizer)(params, **rule.settings)
    path = []
    for _ in range(STEPS):
        backward(params, rule.gradient_scale, device)
        optimizer.step()
        path.append(snapshot(params))
    return as_path(path)


@exercise("adam", points=0.5, hidden=True)
def test_adam_from_other_starting_values(grade, device):
    got = grade.student(hand_path_from, device, "adam", 5)
    expect_close(got, grade.reference(torch_optim_path_from, "cpu", "adam", 5),
                 _("{STEPS} steps of adam from other starting values, against {adam}: the parameter", STEPS=STEPS, adam=TWIN['adam']),
                 check_device=False, **({} if device == "cpu" else {"rtol": 1e-5, "atol": 1e-7}))
