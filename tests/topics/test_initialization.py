"""Checks for topic `initialization`: setting parameters in place, with nn.init and by hand.

Probes (the plain functions) run in a worker on the submission and on the reference;
checks (the test functions) judge what came back. Points live on each check's marker.

Random initializations are judged by statistics of large layers, computed here in the
trusted process from the weights the probe returns, against distribution parameters written
in this file (never taken from the submission's worker):

- KS: the Kolmogorov-Smirnov distance D between the weights and the exact distribution must
  stay below sqrt(ln(2 / ALPHA) / (2 n)). By the Dvoretzky-Kiefer-Wolfowitz inequality with
  Massart's constant, P(D > that) <= ALPHA for every n (not only asymptotically).
- a proportion (my_init's share of zeros) must lie within the same distance of its exact
  value: Hoeffding's inequality gives the same bound, ALPHA.
- moments: a sample mean or standard deviation must lie within SIGMAS = 6 standard errors of
  the exact value; with n = 60 000 the central limit theorem makes the estimate Gaussian to
  many digits, and a Gaussian leaves 6 standard errors with probability 2e-9.
- bounds: uniform weights must lie in [-a, a] (exactly, up to float32 rounding: never fails)
  and reach within a relative 25 / n of a: a correct draw misses that with probability
  (1 - 25/n)^n < e^-25 ~ 1e-11.

A check runs at most three of these tests, so by the union bound a correct initialization
fails a check with probability below 2 * ALPHA + 2 * 2e-9 + 1e-11 < 1e-6 (ALPHA = 1e-7).
The layers are only as large as that margin needs (60 000 weights and more): sorting and
shipping millions of weights for every student would cost more than the rest of the topic.
The probes also seed torch, so the reference's own draw is the same on every run. Each test
still rejects the plausible wrong answers by a wide margin: a standard deviation of 0.1 for
0.01, uniform values with the right standard deviation (KS distance 0.058 against a limit of
0.012), Xavier-normal for Xavier-uniform, or a bound from the wrong fans
(tests/golden/initialization-* holds one submission for each).

Every function must also work in place: the same parameter objects (an optimizer built
before still trains the model), still leaves that require grad with no autograd history,
dtype and device kept, and every other module (and every bias the catalogue leaves alone)
untouched. Those facets are checked on a small mixed network for every function.
"""

import math
from dataclasses import dataclass

import numpy
import pytest
import torch
from torch import nn

from grader.course.i18n import N_, _
from grader.checks.expect import close, expect, expect_close, expect_equal
from grader.checks.probing import fill_buffers, fill_parameters, salted

exercise = pytest.mark.exercise

EXACTLY = {"rtol": 0, "atol": 0}  # constants are compared exactly: a float32 0.1 is the same 0.1 however it was set
ALPHA = 1e-7  # false-failure probability of one statistical test
SIGMAS = 6  # moment tolerance in standard errors (Gaussian two-sided tail: 2e-9)


# What each function is given, and which entries of the state_dict it may change.

def linear_net():
    """Two Linear layers among modules of other types, which every Linear initializer leaves alone."""
    return nn.Sequential(nn.Linear(12, 16), nn.BatchNorm1d(16), nn.Conv2d(3, 4, 3), nn.Linear(16, 8))


def mixed_net():
    """The network `init_mixed` is given: net[0] and net[2] change, net[1], net[3], net[4] do not."""
    return nn.Sequential(nn.Linear(6, 8), nn.ReLU(), nn.Linear(8, 8), nn.BatchNorm1d(8), nn.Linear(8, 4))


def numpy_net():
    """Linear layers at two depths, with other modules between, for `init_from_numpy`."""
    return nn.Sequential(
        nn.Linear(5, 8), nn.BatchNorm1d(8),
        nn.Sequential(nn.Linear(8, 6), nn.Tanh(), nn.Conv2d(2, 3, 3), nn.Linear(6, 6)),
        nn.Linear(6, 3),
    )


@dataclass(frozen=True)
class Case:
    build: object  # () -> nn.Module
    changes: tuple  # state_dict keys the function sets
    call: str  # "apply": net.apply(fn); "net": fn(net)
    leaves_alone: str  # for messages: what must stay as it was


LINEAR_WEIGHTS = ("0.weight", "3.weight")
CASES = {
    "init_normal": Case(linear_net, LINEAR_WEIGHTS + ("0.bias", "3.bias"), "apply",
                        N_("the BatchNorm1d and Conv2d layers")),
    "init_constant": Case(linear_net, LINEAR_WEIGHTS + ("0.bias", "3.bias"), "apply",
                          N_("the BatchNorm1d and Conv2d layers")),
    "xavier": Case(linear_net, LINEAR_WEIGHTS, "apply", N_("the Linear biases and the BatchNorm1d and Conv2d layers")),
    "init_42": Case(linear_net, LINEAR_WEIGHTS, "apply", N_("the Linear biases and the BatchNorm1d and Conv2d layers")),
    "my_init": Case(linear_net, LINEAR_WEIGHTS, "apply", N_("the Linear biases and the BatchNorm1d and Conv2d layers")),
    "conv_init": Case(linear_net, ("2.weight", "2.bias"), "apply", N_("the Linear and BatchNorm1d layers")),
    "init_mixed": Case(mixed_net, ("0.weight", "2.weight"), "net", N_("the biases, net[3] and net[4]")),
    "init_from_numpy": Case(numpy_net, ("0.weight", "2.0.weight", "2.3.weight", "3.weight"), "net",
                            N_("the biases, the BatchNorm1d and the Conv2d")),
}


def initialize(init, name, net):
    """Run the function `name` of the submission on `net` the way the catalogue uses it."""
    function = getattr(init, name)
    if CASES[name].call == "apply":
        net.apply(function)
    else:
        function(net)


# Probes shared by every function: in place, and nothing else touched

def in_place_facts(init, name, device, dtype):
    """Facts about the parameters `name` sets, and whether an optimizer built before still moves them."""
    case = CASES[name]
    net = fill_buffers(fill_parameters(case.build())).to(device=device, dtype=getattr(torch, dtype))
    before = dict(net.named_parameters())
    values_before = {key: p.detach().clone() for key, p in before.items()}
    optimizer = torch.optim.SGD(net.parameters(), lr=0.5)
    initialize(init, name, net)
    after = dict(net.named_parameters())
    values_after = {key: p.detach().clone() for key, p in after.items()}
    # One optimizer step on a loss that touches every trainable parameter the net has now.
    trainable = [p for p in after.values() if p.requires_grad]
    if trainable:
        sum(p.sum() for p in trainable).backward()
        optimizer.step()
    facts = {}
    for key in case.changes:
        p = after.get(key)
        if p is None:
            facts[key] = {"missing": True}
            continue
        facts[key] = {
            "missing": False,
            "same_object": p is before[key],
            "is_parameter": isinstance(p, nn.Parameter),
            "is_leaf": p.is_leaf,
            "requires_grad": p.requires_grad,
            "has_history": p.grad_fn is not None,
            "dtype": str(p.dtype),
            "device": p.device.type,
            "changed": values_after[key].shape != values_before[key].shape
                       or not torch.equal(values_after[key], values_before[key]),
            "moved_by_optimizer": not torch.equal(p.detach(), values_after[key]),
        }
    return facts


def state_left_alone(init, name):
    """Every state_dict entry the function must not change, after the call."""
    case = CASES[name]
    net = fill_buffers(fill_parameters(case.build()))
    initialize(init, name, net)
    return {key: value for key, value in net.state_dict().items() if key not in case.changes}


def expect_in_place(grade, name, device, *, objects=True, dtypes=True):
    """The parameters `name` sets stay the same trainable leaves, on their device, in their dtype."""
    for dtype in ("float32", "float64"):
        facts = grade.student(in_place_facts, name, device, dtype)
        for key, fact in facts.items():
            expect(not fact["missing"], _("{name}: parameter {key!r} is gone after the call", name=name, key=key),
                   hint=N_("change the values of the existing parameter; do not delete it"))
        # The values themselves are judged by other checks; this one only needs the call to have set something.
        expect(any(fact["changed"] for fact in facts.values()),
               _("{name} changed none of the parameters it must set ({keys})", name=name, keys=", ".join(facts)),
               hint=N_("check the module type you test for: isinstance(m, nn.Linear), or nn.Conv2d for conv_init"))
        for key, fact in facts.items():
            what = _("{name}: parameter {key!r}", name=name, key=key)
            if objects:
                history_hint = (N_("initialize under `with torch.no_grad():` (or with nn.init), in place, so that the "
                                "parameter stays a leaf"))
                expect(not fact["has_history"], _("{what} now has autograd history (it was "
                                                  "computed from other tensors)", what=what),
                       hint=history_hint)
                expect(fact["is_leaf"], _("{what} is no longer a leaf tensor", what=what), hint=history_hint)
                new_object_hint = (N_("change the values in place (nn.init.*_ functions, or .copy_() / .fill_() "
                                   "under torch.no_grad()) instead of assigning m.weight = nn.Parameter(...)"))
                expect(fact["same_object"],
                       _("{what} is a new object after the call: an optimizer built before the "
                         "call still holds the old one, and would not train the model", what=what), hint=new_object_hint)
                expect(fact["is_parameter"], _("{what} is no longer an nn.Parameter after the call", what=what),
                       hint=N_("change the values of the parameter in place; do not assign a plain tensor to it"))
                expect(fact["requires_grad"], _("{what} no longer requires grad: it would not be "
                                                "trained", what=what),
                       hint=N_("do not switch requires_grad off; change the values under torch.no_grad() instead"))
                expect(fact["moved_by_optimizer"],
                       _("{what} did not move when an optimizer built before the call took a step", what=what),
                       hint=N_("keep the very parameter object: change its values in place"))
            if dtypes:
                expect_equal(fact["dtype"], f"torch.{dtype}", _("{what}'s dtype after the call "
                                                                "on a {dtype} model", what=what, dtype=dtype),
                             hint=N_("a tensor made from NumPy is float64: copy it in with weight.copy_(...) "
                                  "(which converts) instead of assigning .data"))
                expect_equal(fact["device"], torch.device(device).type, _("{what}'s device after "
                                                                          "the call", what=what),
                             hint=N_("copy new values into the existing parameter (copy_ moves them to its device)"))


def expect_others_untouched(grade, name):
    got, want = grade.both(state_left_alone, name)
    expect_close(got, want, _("what {name} must leave unchanged ({leaves_alone})", name=name, leaves_alone=CASES[name].leaves_alone),
                 hint=N_("test the module type (isinstance(m, nn.Linear) / nn.Conv2d) and set only what the "
                      "task names; every other parameter and buffer keeps its value"))


# Statistics, computed here in the trusted process

def ks_limit(n):
    """The DKW-Massart bound: a correct sample of n exceeds this KS distance with probability <= ALPHA."""
    return math.sqrt(math.log(2 / ALPHA) / (2 * n))


def ordered(values):
    """The sample `values` as one sorted float64 vector, what `ks_distance` takes.

    NumPy sorts it: its vectorized sort is about 30 times faster than torch.sort on the CPU,
    and every student's weights are sorted here, in the trusted process."""
    sample = values.detach().cpu().flatten().numpy()
    return torch.from_numpy(numpy.sort(sample)).double()  # sorting before widening: the same order, faster


def ks_distance(x, cdf):
    """The Kolmogorov-Smirnov distance between the sorted sample `x` and the distribution with `cdf`."""
    n = x.numel()
    expected = cdf(x)
    ranks = torch.arange(1, n + 1, dtype=torch.float64)
    return max((ranks / n - expected).max().item(), (expected - (ranks - 1) / n).max().item())


def normal_cdf(std):
    return lambda x: torch.special.ndtr(x / std)


def uniform_cdf(bound):
    return lambda x: ((x + bound) / (2 * bound)).clamp(0, 1)


def expect_weight_tensor(weight, shape, what):
    expect(isinstance(weight, torch.Tensor), _("{what} is not a tensor", what=what))
    expect_equal(tuple(weight.shape), shape, _("{what}'s shape", what=what), hint=N_("change the values, not the shape"))
    expect(bool(torch.isfinite(weight).all()), _("{what} holds NaN or infinite values", what=what))


def expect_normal(weight, std, what):
    """Mean 0 and standard deviation `std` within SIGMAS standard errors, and the normal shape (KS)."""
    w = ordered(weight)
    n = w.numel()
    mean, spread = w.mean().item(), w.std().item()
    # The standard error of a normal sample's std is std / sqrt(2 (n - 1)); of its mean std / sqrt(n).
    expect(abs(spread - std) <= SIGMAS * std / math.sqrt(2 * (n - 1)),
           _("{what}: standard deviation {spread:.4g}, expected {std:g}", what=what, spread=spread, std=std),
           hint=_("{spread:.4g} is the square root of {std:g}: {std:g} was taken for the variance; N(0, {std:g}²) "
                  "has variance {variance:g}", spread=spread, std=std, variance=std * std) if abs(spread - math.sqrt(std)) <= 0.05 * math.sqrt(std) else None)
    expect(abs(mean) <= SIGMAS * std / math.sqrt(n), _("{what}: mean {mean:.4g}, expected 0", what=what, mean=mean))
    distance = ks_distance(w, normal_cdf(std))
    looks_uniform = distance > ks_limit(n) and ks_distance(w, uniform_cdf(std * math.sqrt(3))) <= ks_limit(n)
    expect(distance <= ks_limit(n),
           _("{what}: the values are not normally distributed (Kolmogorov-Smirnov distance to N(0, {std:g}²) "
             "is {distance:.4f}, more than {limit:.4f})", what=what, std=std, distance=distance, limit=ks_limit(n)),
           hint=N_("the values are uniformly distributed with the right standard deviation: draw from a normal "
                "distribution") if looks_uniform else None)


def expect_uniform(weight, bound, what, other_bounds=()):
    """All within [-bound, bound], reaching the bound, and uniformly spread (KS).

    `other_bounds` are (bound, the mistake that gives it) pairs: a sample that reaches one of
    them gets that mistake as its hint.
    """
    w = ordered(weight)
    n = w.numel()
    largest = max(-w[0].item(), w[-1].item())
    distance = ks_distance(w, uniform_cdf(bound))
    if bound * (1 - 25 / n) <= largest <= bound * (1 + 1e-6) and distance <= ks_limit(n):
        return  # the hint below costs another pass over the sample: only a failure needs it
    looks_normal = ks_distance(w, normal_cdf(bound / math.sqrt(3))) <= ks_limit(n)
    hint = (N_("the values are normally distributed with the right standard deviation: Xavier's uniform variant "
            "draws from [-a, a]")) if looks_normal else next(
        (mistake for other, mistake in other_bounds if abs(largest - other) <= 0.01 * other), None)
    expect(largest <= bound * (1 + 1e-6),
           _("{what}: an entry of absolute value {largest:.4g} lies outside [-{bound:.4g}, "
             "{bound:.4g}]", what=what, largest=largest, bound=bound), hint)
    expect(largest >= bound * (1 - 25 / n),
           _("{what}: every entry lies within ±{largest:.4g}, but uniform values reach ±{bound:.4g}", what=what, largest=largest, bound=bound), hint)
    expect(distance <= ks_limit(n),
           _("{what}: the values are not uniformly distributed on [-{bound:.4g}, {bound:.4g}] "
             "(Kolmogorov-Smirnov distance {distance:.4f}, more than {limit:.4f})",
             what=what, bound=bound, distance=distance, limit=ks_limit(n)), hint)


def large_linear_weight(init, name, fan_in, fan_out):
    """The weight of one large Linear after `name` (applied as the catalogue says)."""
    torch.manual_seed(0)
    layer = nn.Linear(fan_in, fan_out)
    initialize(init, name, nn.Sequential(layer))
    return layer.weight


def linear_parameters(init, name):
    """The Linear layers' parameters of `linear_net` after `name`."""
    net = fill_parameters(linear_net())
    initialize(init, name, net)
    return {key: value for key, value in net.state_dict().items() if key in LINEAR_WEIGHTS + ("0.bias", "3.bias")}


def xavier_mistakes(fan_in, fan_out):
    """The bounds a Xavier draw reaches when one of the fans is left out, and what was left out."""
    return ((math.sqrt(6 / fan_in), N_("the bound is sqrt(6 / fan_in): fan_out is left out of it")),
            (math.sqrt(6 / fan_out), N_("the bound is sqrt(6 / fan_out): fan_in is left out of it")))


# init_normal

@exercise("init_normal", points=0.75)
def test_init_normal_weight_distribution(grade):
    weight = grade.student(large_linear_weight, "init_normal", 200, 300)
    what = N_("the weight of nn.Linear(200, 300) after init_normal")
    expect_weight_tensor(weight, (300, 200), what)
    expect_normal(weight, 0.01, what)


@exercise("init_normal", points=0.25)
def test_init_normal_bias_is_zero(grade):
    got = grade.student(linear_parameters, "init_normal")
    for key in ("0.bias", "3.bias"):
        expect_close(got[key], torch.zeros(got[key].shape), _("the bias {key!r} after init_normal", key=key),
                     hint=N_("nn.init.zeros_(m.bias)"), **EXACTLY)


@exercise("init_normal", points=0.25)
def test_init_normal_works_in_place(grade, device):
    expect_in_place(grade, "init_normal", device)


@exercise("init_normal", points=0.25, needs=("init_normal_weight_distribution", "init_normal_bias_is_zero",
                                                      "init_normal_works_in_place"))
def test_init_normal_leaves_other_modules_alone(grade):
    expect_others_untouched(grade, "init_normal")


# init_constant

@exercise("init_constant", points=0.5)
def test_init_constant_values(grade):
    got = grade.student(linear_parameters, "init_constant")
    for key in LINEAR_WEIGHTS:
        expect_close(got[key], torch.ones(got[key].shape), _("the weight {key!r} after init_constant", key=key),
                     hint=N_("nn.init.constant_(m.weight, 1)"), **EXACTLY)
    for key in ("0.bias", "3.bias"):
        expect_close(got[key], torch.zeros(got[key].shape), _("the bias {key!r} after init_constant", key=key),
                     hint=N_("nn.init.zeros_(m.bias)"), **EXACTLY)


@exercise("init_constant", points=0.25)
def test_init_constant_works_in_place(grade, device):
    expect_in_place(grade, "init_constant", device)


@exercise("init_constant", points=0.25, needs=("init_constant_values", "init_constant_works_in_place"))
def test_init_constant_leaves_other_modules_alone(grade):
    expect_others_untouched(grade, "init_constant")


# xavier

@exercise("xavier", points=0.75)
def test_xavier_weight_distribution(grade):
    # fan_in 150 and fan_out 350 differ, so a bound from only one of them is caught.
    weight = grade.student(large_linear_weight, "xavier", 150, 350)
    what = N_("the weight of nn.Linear(150, 350) after xavier")
    expect_weight_tensor(weight, (350, 150), what)
    expect_uniform(weight, math.sqrt(6 / (150 + 350)), what, xavier_mistakes(150, 350))


@exercise("xavier", points=0.25)
def test_xavier_works_in_place(grade, device):
    expect_in_place(grade, "xavier", device)


@exercise("xavier", points=0.5, needs=("xavier_weight_distribution", "xavier_works_in_place"))
def test_xavier_leaves_bias_and_other_modules_alone(grade):
    expect_others_untouched(grade, "xavier")


# init_42

@exercise("init_42", points=0.25)
def test_init_42_values(grade):
    got = grade.student(linear_parameters, "init_42")
    for key in LINEAR_WEIGHTS:
        expect_close(got[key], torch.full(got[key].shape, 42.0), _("the weight {key!r} after init_42", key=key),
                     hint=N_("nn.init.constant_(m.weight, 42)"), **EXACTLY)


@exercise("init_42", points=0.25)
def test_init_42_works_in_place(grade, device):
    expect_in_place(grade, "init_42", device)


@exercise("init_42", points=0.25, needs=("init_42_values", "init_42_works_in_place"))
def test_init_42_leaves_bias_and_other_modules_alone(grade):
    expect_others_untouched(grade, "init_42")


# init_mixed

def mixed_first_weight(init):
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(300, 500), nn.ReLU(), nn.Linear(500, 400), nn.ReLU(), nn.Linear(400, 10))
    init.init_mixed(net)
    return net[0].weight


@exercise("init_mixed", points=0.5)
def test_init_mixed_first_layer_is_xavier(grade):
    weight = grade.student(mixed_first_weight)
    what = N_("net[0].weight (nn.Linear(300, 500)) after init_mixed")
    expect_weight_tensor(weight, (500, 300), what)
    expect_uniform(weight, math.sqrt(6 / (300 + 500)), what, xavier_mistakes(300, 500))


@exercise("init_mixed", points=0.5)
def test_init_mixed_third_layer_is_42_and_the_rest_unchanged(grade):
    got, want = grade.both(state_left_alone, "init_mixed")
    changed = [key for key in want if key != "2.weight" and not close(got.get(key), want[key])]
    expect_close(got, want, N_("init_mixed: net[2].weight (42) and everything else (unchanged)"),
                 hint=_("{changed} changed too: init_42 reached more layers than net[2]", changed=changed) if changed else None)
    expect_in_place(grade, "init_mixed", "cpu", dtypes=False)


# my_init

def my_init_weight(init):
    return large_linear_weight(init, "my_init", 300, 400)


def my_init_cdf(x):
    """The distribution of the nonzero entries: uniform on [-10, -5] and [5, 10]."""
    return torch.where(x < 0, ((x + 10) / 10).clamp(0, 0.5), 0.5 + ((x - 5) / 10).clamp(0, 0.5))


@exercise("my_init", points=0.75)
def test_my_init_weight_distribution(grade):
    weight = grade.student(my_init_weight)
    what = N_("the weight of nn.Linear(300, 400) after my_init")
    expect_weight_tensor(weight, (400, 300), what)
    w = weight.detach().double().flatten()
    n = w.numel()
    zeros = (w == 0).double().mean().item()
    # Hoeffding: a correct draw's zero fraction leaves 1/2 by more than this with probability <= ALPHA.
    expect(abs(zeros - 0.5) <= math.sqrt(math.log(2 / ALPHA) / (2 * n)),
           _("{what}: {zeros:.1%} of the entries are 0, expected about half (those with |w| < 5)", what=what, zeros=zeros))
    kept = w[w != 0]
    smallest, largest = kept.abs().min().item(), kept.abs().max().item()
    expect(5 <= smallest and largest <= 10 * (1 + 1e-6),
           _("{what}: the nonzero entries' absolute values span [{smallest:.4g}, {largest:.4g}], "
             "expected [5, 10]", what=what, smallest=smallest, largest=largest),
           hint=N_("the small entries were kept: it is those with |w| < 5 that become 0") if largest <= 5 else None)
    distance = ks_distance(ordered(kept), my_init_cdf)
    expect(distance <= ks_limit(kept.numel()),
           _("{what}: the nonzero entries are not uniform on [-10, -5] and [5, 10] (Kolmogorov-Smirnov "
             "distance {distance:.4f}, more than {limit:.4f})", what=what, distance=distance,
             limit=ks_limit(kept.numel())))


@exercise("my_init", points=0.25)
def test_my_init_works_in_place(grade, device):
    expect_in_place(grade, "my_init", device)


@exercise("my_init", points=0.25, needs=("my_init_weight_distribution", "my_init_works_in_place"))
def test_my_init_leaves_bias_and_other_modules_alone(grade):
    expect_others_untouched(grade, "my_init")


# conv_init

def large_conv_parameters(init):
    torch.manual_seed(0)
    conv = nn.Conv2d(64, 96, 5)
    nn.Sequential(conv).apply(init.conv_init)
    return {"weight": conv.weight, "bias": conv.bias}


@exercise("conv_init", points=0.5)
def test_conv_init_weight_distribution(grade):
    got = grade.student(large_conv_parameters)
    what = N_("the weight of nn.Conv2d(64, 96, 5) after conv_init")
    expect_weight_tensor(got["weight"], (96, 64, 5, 5), what)
    # fan_in = 64 * 5 * 5 and fan_out = 96 * 5 * 5: the kernel's size counts in both.
    expect_uniform(got["weight"], math.sqrt(6 / (64 * 25 + 96 * 25)), what, (
        *xavier_mistakes(64 * 25, 96 * 25),
        (math.sqrt(6 / (64 + 96)), N_("the bound leaves the kernel out: a convolution's fan_in is in_channels times "
                                   "the kernel's height and width, and fan_out likewise"))))


@exercise("conv_init", points=0.25)
def test_conv_init_bias(grade):
    got = grade.student(large_conv_parameters)
    expect(isinstance(got["bias"], torch.Tensor), N_("nn.Conv2d(64, 96, 5) has no bias after conv_init"))
    expect_close(got["bias"], torch.full((96,), 0.1), N_("the bias of nn.Conv2d(64, 96, 5) after conv_init"),
                 hint=N_("nn.init.constant_(m.bias, 0.1)"), **EXACTLY)


@exercise("conv_init", points=0.25)
def test_conv_init_works_in_place(grade, device):
    expect_in_place(grade, "conv_init", device)


@exercise("conv_init", points=0.25, needs=("conv_init_weight_distribution", "conv_init_bias",
                                                     "conv_init_works_in_place"))
def test_conv_init_leaves_other_modules_alone(grade):
    expect_others_untouched(grade, "conv_init")


# init_from_numpy

def numpy_weights(init, arguments):
    """The Linear weights of `numpy_net` after init_from_numpy(net, **arguments)."""
    net = fill_parameters(numpy_net())
    init.init_from_numpy(net, **dict(arguments))
    return {key: value for key, value in net.state_dict().items() if key in CASES["init_from_numpy"].changes}


@exercise("init_from_numpy", points=0.5)
def test_init_from_numpy_values(grade):
    # seed 7, or one drawn from the secret: weights no student file holds
    for arguments in [(), (("std", 0.2), ("seed", salted(7) % 2**31))]:
        got, want = grade.both(numpy_weights, arguments)
        # The values are judged here, the dtype by its own check: compare in the reference's dtype.
        if isinstance(got, dict):
            got = {key: value.to(want[key].dtype) if isinstance(value, torch.Tensor) and key in want else value
                   for key, value in got.items()}
        call = "init_from_numpy(net" + "".join(f", {k}={v}" for k, v in arguments) + ")"
        expect_close(got, want, _("the Linear weights after {call}", call=call), hint=reseeded_hint(got))


def reseeded_hint(got):
    """The hint when the layers' weights begin with the same draws: a new generator for every layer."""
    weights = [value.flatten() for key, value in sorted(got.items()) if isinstance(value, torch.Tensor)] \
        if isinstance(got, dict) else []
    if len(weights) > 1:
        size = min(weights[0].numel(), weights[1].numel())
        if torch.equal(weights[0][:size], weights[1][:size]):
            return N_("every layer starts with the same draws: one generator must serve all the layers in turn")
    return None


@exercise("init_from_numpy", points=0.25)
def test_init_from_numpy_works_in_place(grade, device):
    expect_in_place(grade, "init_from_numpy", device, dtypes=False)


@exercise("init_from_numpy", points=0.5)
def test_init_from_numpy_keeps_dtype_and_device(grade, device):
    expect_in_place(grade, "init_from_numpy", device, objects=False)


@exercise("init_from_numpy", points=0.25, needs=("init_from_numpy_values", "init_from_numpy_works_in_place",
                                                          "init_from_numpy_keeps_dtype_and_device"))
def test_init_from_numpy_leaves_biases_and_other_modules_alone(grade):
    expect_others_untouched(grade, "init_from_numpy")


# Hidden checks
# The same behaviour on inputs the public checks never use: graded only by the course's
# autograder (`hidden=True`), left out of the student release with the probes only they use.

def init_42_other_net(init):
    net = fill_parameters(nn.Sequential(nn.Linear(3, 5), nn.Tanh(), nn.Linear(5, 2)), seed=4)
    initialize(init, "init_42", net)
    return {"0.weight": net[0].weight, "2.weight": net[2].weight}


@exercise("init_42", points=0.25, hidden=True)
def test_init_42_values_on_another_net(grade):
    got = grade.student(init_42_other_net)
    for key, weight in got.items():
        expect_close(weight, torch.full(weight.shape, 42.0), _("the weight {key!r} after init_42", key=key), **EXACTLY)
