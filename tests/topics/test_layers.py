"""Checks for topic `layers`: custom layers, with and without parameters."""

import pytest
from torch import nn

from grader.checks import expect_equal, expect_same_as_reference
from grader.probing import fill_parameters, gradients, inputs, parameter_facts

exercise = pytest.mark.exercise


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


@exercise("CenteredLayer", points=0.5)
def test_centered_layer_has_no_parameters(grade):
    expect_equal(grade.student(centered_parameters), {}, "CenteredLayer's parameters",
                 hint="CenteredLayer computes X - X.mean() and holds nothing to learn")


@exercise("CenteredLayer", points=1)
def test_centered_layer_output(grade, device):
    expect_same_as_reference(grade, centered_output, device, what="CenteredLayer()(X)",
                             hint="subtract the mean of all entries, X.mean() with no dim; "
                                  "a mean over one dimension centres rows or columns instead")


@exercise("CenteredLayer", points=0.5)
def test_centered_layer_in_a_network(grade, device):
    expect_same_as_reference(grade, centered_in_a_network, device,
                             what="nn.Sequential(nn.Linear(8, 16), CenteredLayer())",
                             hint="keep forward differentiable: plain tensor operations on X")


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


@exercise("MyLinear", points=1)
def test_my_linear_parameters(grade):
    got, want = grade.both(my_linear_parameters)
    expect_equal(got, want, "MyLinear(5, 3)'s parameters",
                 hint="weight = nn.Parameter(torch.randn(in_units, units)), bias = nn.Parameter(torch.randn(units))")


@exercise("MyLinear", points=0.5)
def test_my_linear_output(grade, device):
    expect_same_as_reference(grade, my_linear_output, device, what="MyLinear(5, 3)(X)",
                             hint="relu(X @ weight + bias)")


@exercise("MyLinear", points=1)
def test_my_linear_gradients_reach_parameters(grade, device):
    expect_same_as_reference(grade, my_linear_gradients, device, what="the gradients of MyLinear's parameters",
                             hint="use self.weight and self.bias themselves in forward: .data (or .detach()) "
                                  "cuts them off from autograd, and no gradient reaches them")


# TensorReduction

def reduction_parameters(layers):
    return parameter_facts(layers.TensorReduction(4, 3))


def reduction_forward(layers, device):
    layer = fill_parameters(layers.TensorReduction(4, 3)).to(device)
    out = layer(inputs(5, 4, device=device))
    (out * inputs(5, 3, seed=3, device=device)).sum().backward()
    return {"output": out, "gradients": gradients(layer)}


@exercise("TensorReduction", points=1)
def test_tensor_reduction_parameters(grade):
    got, want = grade.both(reduction_parameters)
    expect_equal(got, want, "TensorReduction(4, 3)'s parameters",
                 hint="one parameter, weight, of shape (units, in_units, in_units)")


@exercise("TensorReduction", points=1.5)
def test_tensor_reduction_output_and_gradients(grade, device):
    expect_same_as_reference(grade, reduction_forward, device, what="TensorReduction(4, 3)",
                             hint="y[n, k] = sum over i, j of weight[k, i, j] * X[n, i] * X[n, j]; "
                                  "torch.einsum('kij,ni,nj->nk', weight, X, X) is one way")


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
    expect_same_as_reference(grade, my_linear_output_other_shape, device, what="MyLinear(7, 2)(X)",
                             hint="relu(X @ weight + bias)")


@exercise("TensorReduction", points=0.5, hidden=True)
def test_tensor_reduction_on_other_sizes(grade, device):
    expect_same_as_reference(grade, reduction_forward_other_shape, device, what="TensorReduction(3, 5)")
