"""Checks for topic `layers`: custom layers, with and without parameters."""

import pytest
import torch
from torch import nn

from grader.course.i18n import N_, _
from grader.checks.expect import expect, expect_equal, expect_input_unchanged, expect_same_as_reference
from grader.checks.probing import fill_parameters, gradients, inputs, parameter_facts

exercise = pytest.mark.exercise

# Each layer's constructor arguments and an input shape, for the checks every layer gets:
# its input comes back unchanged, and a float64 layer on a float64 input gives a float64 output.
LAYERS = {"CenteredLayer": ((), (4, 8)), "MyLinear": ((5, 3), (4, 5)), "TensorReduction": ((4, 3), (5, 4))}


def input_after_forward(layers, name):
    """The input X as a forward pass left it (judged against a fresh copy in the trusted process)."""
    arguments, shape = LAYERS[name]
    layer = fill_parameters(getattr(layers, name)(*arguments))
    X = inputs(*shape, seed=4)
    layer(X)
    return X


def float64_output(layers, name):
    """The dtype of what the layer, moved to float64, gives for a float64 input."""
    arguments, shape = LAYERS[name]
    layer = fill_parameters(getattr(layers, name)(*arguments)).double()
    return str(layer(inputs(*shape, seed=4, dtype=torch.float64)).dtype)


def expect_keeps_input(grade, name):
    expect_input_unchanged(grade.student(input_after_forward, name), inputs(*LAYERS[name][1], seed=4),
                           f"{name}.forward",
                           hint=N_("an in-place operation on X (X -= ..., X.sub_(...)) writes into the caller's "
                                "tensor; compute a new tensor instead"))


def expect_follows_float64(grade, name):
    got = grade.student(float64_output, name)
    expect(got == "torch.float64", _("a float64 {name} on a float64 input gave a {got} output", name=name, got=got),
           hint=N_("a tensor made inside forward without dtype= (and device=) is float32 on the CPU: "
                "make it like the input (torch.zeros_like, new_zeros, dtype=X.dtype, device=X.device)"))


# CenteredLayer

def centered_parameters(layers):
    layer = layers.CenteredLayer()
    layer(inputs(2, 3))  # a layer that does not work yet has not earned this
    return parameter_facts(layer)


def centered_output(layers, device):
    layer = layers.CenteredLayer()
    return {"2d": layer(inputs(4, 8, device=device) + 3), "3d": layer(inputs(2, 3, 5, seed=1, device=device) * 2 - 1)}


def centered_in_a_network(layers, device):
    net = fill_parameters(nn.Sequential(nn.Linear(8, 16), layers.CenteredLayer())).to(device)
    out = net(inputs(4, 8, device=device))
    (out * inputs(4, 16, seed=5, device=device)).sum().backward()
    return {"output": out, "gradients": gradients(net)}


@exercise("CenteredLayer", points=0.5, needs=("centered_layer_output", "centered_layer_in_a_network"))
def test_centered_layer_has_no_parameters(grade):
    expect_equal(grade.student(centered_parameters), {}, N_("CenteredLayer's parameters"),
                 hint=N_("CenteredLayer computes X - X.mean() and holds nothing to learn"))


@exercise("CenteredLayer", points=0.75)
def test_centered_layer_output(grade, device):
    expect_same_as_reference(grade, centered_output, device, what=N_("CenteredLayer()(X)"), hint=centring_diagnosis,
                             attempted=lambda got, want: centring_diagnosis(got, want) is not None)


def centring_diagnosis(got, want):
    """The hint for an output whose rows or columns each have mean 0: a mean over one dimension."""
    output = got.get("2d") if isinstance(got, dict) else None
    if not isinstance(output, torch.Tensor) or output.dim() != 2 or not output.is_floating_point():
        return None
    if not output.any():
        return None  # zeros: every mean is 0, but nothing was centred
    for dim, hint in ((1, N_("each row of your output has mean 0: subtract the mean of all entries instead")),
                      (0, N_("each column of your output has mean 0: subtract the mean of all entries instead"))):
        if torch.allclose(output.mean(dim=dim), torch.zeros((), dtype=output.dtype, device=output.device), atol=1e-5):
            return hint
    return None


@exercise("CenteredLayer", points=0.25)
def test_centered_layer_in_a_network(grade, device):
    expect_same_as_reference(grade, centered_in_a_network, device,
                             what=N_("nn.Sequential(nn.Linear(8, 16), CenteredLayer())"))


@exercise("CenteredLayer", points=0.25, needs=("centered_layer_output", "centered_layer_in_a_network"))
def test_centered_layer_leaves_its_input_unchanged(grade):
    expect_keeps_input(grade, "CenteredLayer")


@exercise("CenteredLayer", points=0.25, needs=("centered_layer_output", "centered_layer_in_a_network"))
def test_centered_layer_follows_a_float64_input(grade):
    expect_follows_float64(grade, "CenteredLayer")


# MyLinear

def my_linear_parameters(layers):
    return parameter_facts(layers.MyLinear(5, 3))


def my_linear_output(layers, device):
    layer = fill_parameters(layers.MyLinear(5, 3)).to(device)
    return layer(inputs(4, 5, device=device))


def my_linear_gradients(layers, device):
    layer = fill_parameters(layers.MyLinear(5, 3)).to(device)
    out = layer(inputs(4, 5, device=device))
    if out.requires_grad:
        (out * inputs(4, 3, seed=7, device=device)).sum().backward()
    return gradients(layer)


@exercise("MyLinear", points=0.75)
def test_my_linear_parameters(grade):
    got, want = grade.both(my_linear_parameters)
    expect_equal(got, want, N_("MyLinear(5, 3)'s parameters"))


@exercise("MyLinear", points=0.5)
def test_my_linear_output(grade, device):
    expect_same_as_reference(grade, my_linear_output, device, what=N_("MyLinear(5, 3)(X)"))


@exercise("MyLinear", points=0.75)
def test_my_linear_gradients_reach_parameters(grade, device):
    expect_same_as_reference(grade, my_linear_gradients, device, what=N_("the gradients of MyLinear's parameters"),
                             hint=lambda got, want: None if any(g is not None for g in got.values()) else (
                                 N_("no gradient reached the parameters: .data (or .detach()) in forward cuts them "
                                 "off from autograd; use self.weight and self.bias themselves")))


@exercise("MyLinear", points=0.25, needs=("my_linear_parameters", "my_linear_output", "my_linear_gradients_reach_parameters"))
def test_my_linear_leaves_its_input_unchanged(grade):
    expect_keeps_input(grade, "MyLinear")


@exercise("MyLinear", points=0.25, needs=("my_linear_parameters", "my_linear_output", "my_linear_gradients_reach_parameters"))
def test_my_linear_follows_a_float64_input(grade):
    expect_follows_float64(grade, "MyLinear")


# TensorReduction

def reduction_parameters(layers):
    return parameter_facts(layers.TensorReduction(4, 3))


def reduction_forward(layers, device):
    layer = fill_parameters(layers.TensorReduction(4, 3)).to(device)
    out = layer(inputs(5, 4, device=device))
    (out * inputs(5, 3, seed=3, device=device)).sum().backward()
    return {"output": out, "gradients": gradients(layer)}


@exercise("TensorReduction", points=0.75)
def test_tensor_reduction_parameters(grade):
    got, want = grade.both(reduction_parameters)
    expect_equal(got, want, N_("TensorReduction(4, 3)'s parameters"))


@exercise("TensorReduction", points=1.25)
def test_tensor_reduction_output_and_gradients(grade, device):
    expect_same_as_reference(grade, reduction_forward, device, what=N_("TensorReduction(4, 3)"))


@exercise("TensorReduction", points=0.25, needs=("tensor_reduction_parameters", "tensor_reduction_output_and_gradients"))
def test_tensor_reduction_leaves_its_input_unchanged(grade):
    expect_keeps_input(grade, "TensorReduction")


@exercise("TensorReduction", points=0.25, needs=("tensor_reduction_parameters", "tensor_reduction_output_and_gradients"))
def test_tensor_reduction_follows_a_float64_input(grade):
    expect_follows_float64(grade, "TensorReduction")


# Hidden checks
# The same behaviour on inputs the public checks never use: graded only by the course's
# autograder (`hidden=True`), left out of the student release with the probes only they use.

def my_linear_output_other_shape(layers, device):
    layer = fill_parameters(layers.MyLinear(7, 2), seed=3).to(device)
    return layer(inputs(6, 7, seed=11, device=device))


def reduction_forward_other_shape(layers, device):
    layer = fill_parameters(layers.TensorReduction(3, 5), seed=2).to(device)
    out = layer(inputs(7, 3, seed=13, device=device))
    (out * inputs(7, 5, seed=14, device=device)).sum().backward()
    return {"output": out, "gradients": gradients(layer)}


@exercise("MyLinear", points=0.5, hidden=True)
def test_my_linear_output_on_other_sizes(grade, device):
    expect_same_as_reference(grade, my_linear_output_other_shape, device, what=N_("MyLinear(7, 2)(X)"))


@exercise("TensorReduction", points=0.5, hidden=True)
def test_tensor_reduction_on_other_sizes(grade, device):
    expect_same_as_reference(grade, reduction_forward_other_shape, device, what=N_("TensorReduction(3, 5)"))
