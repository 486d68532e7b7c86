"""Checks for topic `tying`: one parameter used in several places of a network.

Probes (the plain functions) run in a worker on the submission and on the reference;
checks (the test functions) judge what came back. Points live on each check's marker.
Tied means one object: the checks tell a shared layer from a copy with equal values by
identity, by where the gradient goes and by what one optimizer step changes.
"""

import copy

import pytest
import torch
from torch import nn

from grader.course.i18n import N_, _
from grader.checks.expect import (close, expect, expect_close, expect_equal, expect_input_unchanged,
                           expect_same_as_reference)
from grader.checks.probing import (fill_parameters, gradients, inputs, layout, parameter_facts, shared_module_net,
                                    shared_weight_net, size)

exercise = pytest.mark.exercise


# tied_mlp



def equalised_tied_mlp(tying, device="cpu"):
    """tying.tied_mlp() with fixed weights; should net[4] be a copy of net[2] rather than the same layer, it gets
    net[2]'s values too, so that the checks on the function it computes do not depend on the tying."""
    net = fill_parameters(tying.tied_mlp())
    first, second = (net[2], net[4]) if len(net) > 4 else (None, None)
    if isinstance(first, nn.Linear) and isinstance(second, nn.Linear) and first is not second:
        with torch.no_grad():
            for mine, copied in ((first.weight, second.weight), (first.bias, second.bias)):
                if mine is not copied and mine.shape == copied.shape:
                    copied.copy_(mine)
    return net.to(device)


def tied_mlp_layers(tying):
    net = equalised_tied_mlp(tying)
    return {"type": type(net).__name__, "layout": layout(net), "output": net(inputs(5, 4))}


def tied_mlp_sharing(tying):
    net = tying.tied_mlp()
    return {"net[2] is net[4]": net[2] is net[4]}


def tied_mlp_gradients(tying, device):
    net = equalised_tied_mlp(tying, device)
    out = net(inputs(5, 4, device=device))
    (out * inputs(5, 1, seed=3, device=device)).sum().backward()
    return {f"net[{i}].{kind}.grad": getattr(net[i], kind).grad for i in (0, 2, 4, 6) for kind in ("weight", "bias")}


def tied_mlp_after_one_step(tying):
    net = equalised_tied_mlp(tying)
    (net(inputs(5, 4)) * inputs(5, 1, seed=3)).sum().backward()
    # torch.optim.SGD(net.parameters(), lr=0.5).step(), written out: building a torch.optim optimizer first
    # imports torch._dynamo, a second per worker.
    with torch.no_grad():
        for parameter in net.parameters():
            parameter -= 0.5 * parameter.grad
    return {f"net[{i}].{kind}": getattr(net[i], kind) for i in (2, 4) for kind in ("weight", "bias")}


def tied_mlp_count(tying):
    net = tying.tied_mlp()
    # The keys are shown in messages: marked, so that they come in the student's language.
    return {N_("tensors"): len(list(net.parameters())), N_("scalars"): sum(p.numel() for p in net.parameters())}


@exercise("tied_mlp", points=0.5)
def test_tied_mlp_layers_and_output(grade):
    got, want = grade.both(tied_mlp_layers)
    expect_equal(got["type"], want["type"], N_("the type of tied_mlp()"))
    expect_equal(got["layout"], want["layout"], N_("tied_mlp()'s layers, in order"))
    expect_close(got["output"], want["output"], N_("tied_mlp()(X)"))


@exercise("tied_mlp", points=0.75)
def test_tied_mlp_shares_one_layer(grade):
    got = grade.student(tied_mlp_sharing)
    expect(got["net[2] is net[4]"] is True, N_("in tied_mlp(), net[2] and net[4] are two different layers"),
           hint=N_("a tie is one module object placed twice; equal values in two layers are not a tie"))


def untied_hint(grade, text):
    """`text` when net[2] and net[4] of the submission's tied_mlp() are two layers, else None."""
    return text if grade.student(tied_mlp_sharing)["net[2] is net[4]"] is not True else None


@exercise("tied_mlp", points=0.75)
def test_tied_mlp_gradient_is_the_sum_of_both_uses(grade, device):
    expect_same_as_reference(
        grade, tied_mlp_gradients, device, what=N_("tied_mlp()'s gradients after one backward"),
        hint=lambda got, want: untied_hint(grade, N_("net[2] and net[4] are two layers, so each gets only its own "
                                                  "use's gradient; a shared layer gets the sum of both")))


@exercise("tied_mlp", points=0.5)
def test_tied_mlp_one_step_moves_both_uses(grade):
    got, want = grade.both(tied_mlp_after_one_step)
    expect_close(got, want, N_("net[2] and net[4] of tied_mlp() after one SGD step"),
                 hint=None if close(got, want) else untied_hint(
                     grade, N_("net[2] and net[4] are two layers, so one step moves each by its own gradient only")))


@exercise("tied_mlp", points=0.5, needs="tied_mlp_layers_and_output")
def test_tied_mlp_counts_the_shared_layer_once(grade):
    got, want = grade.both(tied_mlp_count)
    expect_equal(got, want, N_("the parameters of tied_mlp() (tensors and scalars, each shared one once)"),
                 hint=None if got == want else untied_hint(
                     grade, N_("net[2] and net[4] are two layers, so the shared weight and bias are counted twice")))


# tied_pairs

def as_pairs(result):
    """The student's answer as a list of tuples, however the sequences were spelled."""
    try:
        return [tuple(pair) for pair in result]
    except TypeError:
        return f"<{type(result).__name__} object>"


class OwnAndChild(nn.Module):
    """A parameter registered on the module itself that is also its child's weight: its own comes first."""

    def __init__(self):
        super().__init__()
        self.inner = nn.Linear(3, 3)
        self.scale = self.inner.weight






def padded(*modules):
    """nn.Sequential(*modules) behind as many layers without parameters as the secret says (none without one):
    the names of its parameters, what tied_pairs answers, are then ones no student file holds."""
    return nn.Sequential(*[nn.Identity() for _ in range(size(50, seed=8) - 50)], *modules)


def pairs_found(tying):
    nets = (padded(*shared_module_net()), padded(*shared_weight_net()), padded(OwnAndChild()))
    return [as_pairs(tying.tied_pairs(net)) for net in nets]


def pairs_with_three_uses(tying):
    shared = nn.Linear(3, 3)
    return as_pairs(tying.tied_pairs(padded(shared, nn.ReLU(), shared, nn.ReLU(), shared)))


def pairs_with_a_copy(tying):
    original, shared = nn.Linear(4, 4), nn.Linear(4, 4)
    return as_pairs(tying.tied_pairs(padded(original, copy.deepcopy(original), shared, shared)))


def pairs_without_sharing(tying):
    net = nn.Sequential(nn.Linear(4, 4), nn.ReLU(), nn.Sequential(nn.Linear(4, 2), nn.Linear(2, 2)))
    return as_pairs(tying.tied_pairs(net))


@exercise("tied_pairs", points=1)
def test_tied_pairs_finds_every_tie(grade):
    got, want = grade.both(pairs_found)
    for what, got_pairs, want_pairs in zip((N_("a Sequential using one Linear twice"),
                                            N_("two Linears holding the same weight"),
                                            N_("a module whose own parameter is its child's weight")), got, want):
        hidden_repeats = got_pairs == [] and bool(want_pairs)  # walked named_parameters() as it is: tried the task
        expect_equal(got_pairs, want_pairs, _("tied_pairs of {what}", what=what),
                     hint=N_("named_parameters() lists a shared tensor once unless told otherwise (remove_duplicate)")
                     if hidden_repeats else None, attempted=hidden_repeats)


@exercise("tied_pairs", points=0.25)
def test_tied_pairs_uses_the_earliest_name(grade):
    got, want = grade.both(pairs_with_three_uses)
    chained = isinstance(got, list) and any(
        pair[0] in {later for _, later in got[:index]} for index, pair in enumerate(got) if len(pair) == 2)
    expect_equal(got, want, N_("tied_pairs of a Sequential using one Linear three times"),
                 hint=N_("a pair starts with a name that is itself a later use: pair every later name with the first "
                      "name the tensor had") if chained else None)


@exercise("tied_pairs", points=0.5)
def test_tied_pairs_equal_values_are_not_sharing(grade):
    got, want = grade.both(pairs_with_a_copy)
    extra = isinstance(got, list) and any(pair not in want for pair in got)
    expect_equal(got, want, N_("tied_pairs of nn.Sequential(layer, copy.deepcopy(layer), shared, shared)"),
                 hint=N_("it pairs tensors that only hold equal values: a deep copy is a tensor of its own")
                 if extra else None)


@exercise("tied_pairs", points=0.25, needs="tied_pairs_finds_every_tie")
def test_tied_pairs_without_sharing_is_empty(grade):
    got, want = grade.both(pairs_without_sharing)
    expect_equal(got, want, N_("tied_pairs of a network without shared parameters"),
                 hint=N_("return an empty list when no parameter is shared"))


# TiedAutoencoder

def autoencoder_parameters(tying):
    return parameter_facts(tying.TiedAutoencoder(6, 3))


def autoencoder_initial_decoder_bias(tying):
    torch.manual_seed(0)
    return getattr(tying.TiedAutoencoder(6, 3), "decoder_bias", None)


def autoencoder_forward(tying, device):
    model = fill_parameters(tying.TiedAutoencoder(6, 3)).to(device)
    return model(inputs(5, 6, device=device))


def autoencoder_gradients(tying, device):
    model = fill_parameters(tying.TiedAutoencoder(6, 3)).to(device)
    out = model(inputs(5, 6, device=device))
    (out * inputs(5, 6, seed=4, device=device)).sum().backward()
    return gradients(model)


@exercise("TiedAutoencoder", points=0.75, needs="autoencoder_output")
def test_autoencoder_has_no_separate_decoder_weight(grade):
    got, want = grade.both(autoencoder_parameters)
    own_weight = isinstance(got, dict) and any(name.endswith("weight") for name in set(got) - set(want))
    expect_equal(got, want, N_("TiedAutoencoder(6, 3)'s parameters"),
                 hint=N_("the decoder reuses encoder.weight instead of having a weight of its own") if own_weight else None)


@exercise("TiedAutoencoder", points=0.25)
def test_autoencoder_decoder_bias_starts_at_zero(grade):
    got = grade.student(autoencoder_initial_decoder_bias)
    expect(isinstance(got, torch.Tensor), _("TiedAutoencoder(6, 3).decoder_bias is not a tensor: "
                                            "{got!r}", got=got))
    expect_close(got, torch.zeros(6), N_("TiedAutoencoder(6, 3).decoder_bias when created"))


@exercise("TiedAutoencoder", points=0.75)
def test_autoencoder_output(grade, device):
    expect_same_as_reference(grade, autoencoder_forward, device, what=N_("TiedAutoencoder(6, 3)(X)"))


@exercise("TiedAutoencoder", points=0.5)
def test_autoencoder_gradients_reach_the_weight_from_both_uses(grade, device):
    reference_output = grade.reference(autoencoder_forward, device)

    def cut_off(got, want):
        """The output is right but the gradients are not: one use of the weight is cut off from autograd."""
        output = grade.student(autoencoder_forward, device)
        return (N_("the output is right but the gradients are not: one use of encoder.weight does not reach autograd "
                "(.data, .detach() or a copy)")) if close(output, reference_output) else None

    expect_same_as_reference(grade, autoencoder_gradients, device, what=N_("TiedAutoencoder(6, 3)'s gradients"),
                             hint=cut_off)


def autoencoder_input_after_forward(tying):
    """The input X as forward left it (judged against a fresh copy in the trusted process)."""
    X = inputs(5, 6, seed=4)
    fill_parameters(tying.TiedAutoencoder(6, 3))(X)
    return X


def autoencoder_float64_output(tying):
    """The dtype of what a float64 TiedAutoencoder gives for a float64 input."""
    model = fill_parameters(tying.TiedAutoencoder(6, 3)).double()
    return str(model(inputs(5, 6, seed=4, dtype=torch.float64)).dtype)


@exercise("TiedAutoencoder", points=0.125, needs=("autoencoder_has_no_separate_decoder_weight", "autoencoder_decoder_bias_starts_at_zero",
                                                       "autoencoder_output", "autoencoder_gradients_reach_the_weight_from_both_uses"))
def test_autoencoder_leaves_its_input_unchanged(grade):
    expect_input_unchanged(grade.student(autoencoder_input_after_forward), inputs(5, 6, seed=4),
                           "TiedAutoencoder.forward",
                           hint=N_("an in-place operation on X writes into the caller's tensor"))


@exercise("TiedAutoencoder", points=0.125, needs=("autoencoder_has_no_separate_decoder_weight", "autoencoder_decoder_bias_starts_at_zero",
                                                       "autoencoder_output", "autoencoder_gradients_reach_the_weight_from_both_uses"))
def test_autoencoder_follows_a_float64_input(grade):
    got = grade.student(autoencoder_float64_output)
    expect(got == "torch.float64", _("TiedAutoencoder, moved to float64 with .double(), gave a "
                                     "{got} output for a float64 input", got=got), hint=N_("a tensor made without dtype= (and device=) stays float32 on the CPU"))

# Hidden checks
# The same behaviour on inputs the public checks never use: graded only by the course's
# autograder (`hidden=True`), left out of the student release with the probes only they use.

def autoencoder_gradients_other_sizes(tying, device):
    model = fill_parameters(tying.TiedAutoencoder(5, 4), seed=6).to(device)
    out = model(inputs(3, 5, seed=31, device=device))
    (out * inputs(3, 5, seed=32, device=device)).sum().backward()
    return gradients(model)


@exercise("TiedAutoencoder", points=0.5, hidden=True)
def test_autoencoder_gradients_on_other_sizes(grade, device):
    expect_same_as_reference(grade, autoencoder_gradients_other_sizes, device,
                             what=N_("TiedAutoencoder(5, 4)'s gradients"))
