"""Checks for topic `blocks`: layers and blocks built with nn.Module.

Probes (the plain functions) run in a worker on the submission and on the reference;
checks (the test functions) judge what came back. Points live on each check's marker.
"""

import pytest
import torch
from torch import nn

from grader.course.i18n import N_, _
from grader.checks.expect import expect, expect_close, expect_equal, expect_input_unchanged, expect_same_as_reference
from grader.checks.probing import fill_parameters, gradients, inputs, parameter_facts

exercise = pytest.mark.exercise


def output_and_gradients(net, X):
    """The output for X and every parameter's gradient of a fixed weighting of the output."""
    out = net(X)
    weights = inputs(*out.shape, seed=99, device=out.device) if out.dim() else torch.ones((), device=out.device)
    (out * weights).sum().backward()
    return {"output": out, "gradients": gradients(net)}


# Every block is also run on a float64 input, and must leave its input as it was. The blocks
# these checks build (by exercise) and the shape of the input each one gets:
BLOCKS = {
    "MLP": (lambda blocks: blocks.MLP(), (4, 20)),
    "MySequential": (lambda blocks: blocks.MySequential(nn.Linear(20, 16), nn.ReLU(), nn.Linear(16, 8)), (4, 20)),
    "FixedHiddenMLP": (lambda blocks: blocks.FixedHiddenMLP(), (2, 20)),
    "NestMLP": (lambda blocks: blocks.NestMLP(), (3, 20)),
    "chimera": (lambda blocks: blocks.chimera(), (2, 20)),
    "Parallel": (lambda blocks: blocks.Parallel(nn.Linear(6, 3), nn.Linear(6, 5)), (4, 6)),
    "ModuleNet": (lambda blocks: blocks.ModuleNet(5, 8, 3), (4, 5)),
    "named_conv_block": (lambda blocks: blocks.named_conv_block(), (2, 3, 8, 8)),
    "LeNet": (lambda blocks: blocks.LeNet(), (2, 1, 32, 32)),
}


def input_after_forward(blocks, name):
    """The input X as a forward pass left it (judged against a fresh copy in the trusted process)."""
    build, shape = BLOCKS[name]
    net = fill_parameters(build(blocks))
    X = inputs(*shape, seed=4)
    net(X)
    return X


def float64_output(blocks, name):
    """The dtype of what the block, moved to float64, gives for a float64 input."""
    build, shape = BLOCKS[name]
    net = fill_parameters(build(blocks)).double()
    return str(net(inputs(*shape, seed=4, dtype=torch.float64)).dtype)


def expect_keeps_input(grade, name):
    expect_input_unchanged(grade.student(input_after_forward, name), inputs(*BLOCKS[name][1], seed=4),
                           f"{name}.forward",
                           hint=N_("an in-place operation on X (X -= ..., X.relu_(), inplace=True) writes into the caller's "
                                "tensor"))


def expect_follows_float64(grade, name):
    got = grade.student(float64_output, name)
    expect(got == "torch.float64", _("{name}, moved to float64 with .double(), gave a {got} "
                                     "output for a float64 input", name=name, got=got),
           hint=N_("a tensor made in __init__ or forward without dtype= (and device=) stays float32 on the CPU"))


def state_facts(net):
    return {name: tuple(value.shape) for name, value in net.state_dict().items()}


# MLP

def mlp_parameters(blocks):
    return parameter_facts(blocks.MLP())


def mlp_forward(blocks, device):
    net = fill_parameters(blocks.MLP()).to(device)
    return output_and_gradients(net, inputs(4, 20, device=device))


@exercise("MLP", points=0.5, needs="mlp_output_and_gradients")
def test_mlp_parameters(grade):
    got, want = grade.both(mlp_parameters)
    expect_equal(got, want, N_("MLP's parameters"),
                 hint=N_("layers become parameters of the module once assigned to self in __init__") if not got else None)


@exercise("MLP", points=0.25)
def test_mlp_output_and_gradients(grade, device):
    expect_same_as_reference(grade, mlp_forward, device, what=N_("MLP"))


# MySequential

def my_sequential_registration(blocks):
    net = blocks.MySequential(nn.Linear(6, 5), nn.ReLU(), nn.Linear(5, 3))
    return {
        "children": [name for name, _ in net.named_children()],
        "state_dict": state_facts(net),
        "parameter_count": sum(p.numel() for p in net.parameters()),
    }


def my_sequential_forward(blocks, device):
    modules = [fill_parameters(nn.Linear(20, 16), seed=1), nn.ReLU(), fill_parameters(nn.Linear(16, 8), seed=2)]
    net = blocks.MySequential(*modules).to(device)
    out = net(inputs(4, 20, device=device))
    (out * inputs(4, 8, seed=99, device=device)).sum().backward()
    return {"output": out, "gradients": [gradients(m) for m in modules]}


def my_sequential_indexing(blocks):
    modules = [nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1)]
    net = blocks.MySequential(*modules)

    def same(i):  # an index that raises is told apart from the others, so the check's hint can speak of it
        try:
            return net[i] is modules[i]
        except Exception as error:
            return f"{type(error).__name__}"

    return {
        "len": len(net),
        "same_objects": [same(i) for i in (0, 1, 2, -1, -2, -3)],
    }


def my_sequential_empty(blocks):
    return blocks.MySequential()(inputs(3, 4))


@exercise("MySequential", points=1, needs="my_sequential_output_and_gradients")
def test_my_sequential_registers_modules_in_order(grade):
    got, want = grade.both(my_sequential_registration)
    what = N_("MySequential(Linear(6, 5), ReLU(), Linear(5, 3))")
    hidden = not got["children"] and got["parameter_count"] == 0
    expect_equal(got["children"], want["children"],
                 _("the names of {what}'s children (nn.Sequential's are '0', '1', '2')", what=what),
                 hint=N_("modules kept in a plain Python list are hidden from PyTorch") if hidden else None)
    expect_equal(got["parameter_count"], want["parameter_count"], _("the number of scalar "
                                                                    "parameters of {what}", what=what))
    expect_equal(got["state_dict"], want["state_dict"], _("the state_dict keys and shapes of {what}", what=what))


@exercise("MySequential", points=0.75)
def test_my_sequential_output_and_gradients(grade, device):
    expect_same_as_reference(grade, my_sequential_forward, device, what=N_("MySequential"))


@exercise("MySequential", points=0.75, needs="my_sequential_output_and_gradients")
def test_my_sequential_len_and_indexing(grade):
    got, want = grade.both(my_sequential_indexing)
    expect_equal(got["len"], want["len"], N_("len(MySequential(a, b, c))"), hint=N_("define __len__"))
    expect_equal(got["same_objects"], want["same_objects"],
                 N_("whether net[i] is the i-th module, for i in 0, 1, 2, -1, -2, -3"),
                 hint=N_("__getitem__ should return the very module, counting from the end for negative i"))


@exercise("MySequential", points=0.25, needs=("my_sequential_registers_modules_in_order", "my_sequential_output_and_gradients", "my_sequential_len_and_indexing"))
def test_my_sequential_without_modules_is_identity(grade):
    got, want = grade.both(my_sequential_empty)
    expect_close(got, want, N_("MySequential()(X)"), hint=N_("with no modules, forward returns X unchanged"))


# FixedHiddenMLP

def fixed_hidden_buffer(blocks):
    net = blocks.FixedHiddenMLP()
    weight = getattr(net, "rand_weight", None)
    net(inputs(2, 20))  # a module that does not work yet has not earned these
    facts = {
        "is_tensor": isinstance(weight, torch.Tensor),
        "linear_layers": [name for name, m in net.named_modules() if isinstance(m, nn.Linear)],
        "parameters": [name for name, _ in net.named_parameters()],
        "buffers": [name for name, _ in net.named_buffers()],
    }
    if isinstance(weight, torch.Tensor):
        facts["shape"] = tuple(weight.shape)
        facts["requires_grad"] = weight.requires_grad
        facts["range"] = (weight.min().item(), weight.max().item())
        net.to(torch.float64)
        facts["dtype_after_to"] = str(net.rand_weight.dtype)
    return facts


def set_rand_weight(fixed_hidden_mlp):
    """Give rand_weight known values, whether it was made a buffer, a parameter or a plain tensor."""
    with torch.no_grad():
        fixed_hidden_mlp.rand_weight.copy_(inputs(20, 20, seed=42).abs().clamp(max=0.999))


def fixed_hidden_forward(blocks, device):
    net = fill_parameters(blocks.FixedHiddenMLP())
    set_rand_weight(net)
    net = net.to(device)
    return without_rand_weight(output_and_gradients(net, inputs(2, 20, device=device)))


def without_rand_weight(result):
    """Leave rand_weight's gradient out: whether it has one is the buffer check's business."""
    result["gradients"] = {k: v for k, v in result["gradients"].items() if not k.endswith("rand_weight")}
    return result


@exercise("FixedHiddenMLP", points=1)
def test_fixed_hidden_rand_weight_is_a_buffer(grade):
    facts = grade.student(fixed_hidden_buffer)
    expect(facts["is_tensor"], N_("FixedHiddenMLP has no tensor attribute rand_weight"))
    expect_equal(facts["shape"], (20, 20), N_("rand_weight's shape"))
    expect("rand_weight" not in facts["parameters"],
           N_("rand_weight is one of the module's parameters (requires_grad=False or not): it must not be a "
              "parameter at all"),
           hint=N_("a buffer (register_buffer) moves with the module and is never trained; nn.Parameter is trained"))
    expect(not facts["requires_grad"], N_("rand_weight requires grad: it must never be trained"))
    low, high = facts["range"]
    expect(0 <= low and high < 1, _("rand_weight's values lie in [{low:.3g}, {high:.3g}], not in "
                                    "[0, 1)", low=low, high=high),
           hint=N_("torch.rand draws uniformly from [0, 1)"))
    plain_tensor = "rand_weight" not in facts["buffers"]
    expect(facts["dtype_after_to"] == "torch.float64",
           _("rand_weight does not move with the module: after net.to(torch.float64) it is "
             "{dtype_after_to}", dtype_after_to=facts['dtype_after_to']),
           hint=N_("a plain tensor attribute stays behind on .to(device); a buffer moves with the module")
           if plain_tensor else None)


@exercise("FixedHiddenMLP", points=0.5)
def test_fixed_hidden_uses_one_linear_layer(grade):
    facts = grade.student(fixed_hidden_buffer)
    expect_equal(facts["linear_layers"], ["linear"], N_("FixedHiddenMLP's nn.Linear layers"),
                 hint=N_("the same layer, self.linear, is called twice in forward: one nn.Linear, not two")
                 if len(facts["linear_layers"]) > 1 else None)


@exercise("FixedHiddenMLP", points=0.75)
def test_fixed_hidden_output_and_gradients(grade, device):
    expect_same_as_reference(grade, fixed_hidden_forward, device, what=N_("FixedHiddenMLP"))


# NestMLP and chimera

def nest_parameters(blocks):
    return parameter_facts(blocks.NestMLP())


def nest_forward(blocks, device):
    net = fill_parameters(blocks.NestMLP()).to(device)
    return output_and_gradients(net, inputs(3, 20, device=device))


def chimera_structure(blocks):
    net = blocks.chimera()
    parts = list(net.children())
    middle = parts[1] if len(parts) == 3 else None
    return {
        "type": type(net).__name__,
        "parts": [type(m).__name__ for m in parts],
        "middle": middle and (getattr(middle, "in_features", None), getattr(middle, "out_features", None)),
    }


def chimera_forward(blocks, device):
    net = fill_parameters(blocks.chimera())
    set_rand_weight(net[2])
    net = net.to(device)
    return without_rand_weight(output_and_gradients(net, inputs(2, 20, device=device)))


@exercise("NestMLP", points=0.5, needs="nest_mlp_output_and_gradients")
def test_nest_mlp_parameters(grade):
    got, want = grade.both(nest_parameters)
    expect_equal(got, want, N_("NestMLP's parameters"))


@exercise("NestMLP", points=0.25)
def test_nest_mlp_output_and_gradients(grade, device):
    expect_same_as_reference(grade, nest_forward, device, what=N_("NestMLP"))


@exercise("chimera", points=0.5)
def test_chimera_structure(grade):
    got, want = grade.both(chimera_structure)
    expect_equal(got, want, N_("chimera()"))


@exercise("chimera", points=0.25, needs="chimera_structure",
          builds_on=("NestMLP.nest_mlp_output_and_gradients", "FixedHiddenMLP.fixed_hidden_output_and_gradients"))
def test_chimera_output_and_gradients(grade, device):
    expect_same_as_reference(grade, chimera_forward, device, what=N_("chimera()"))


# Parallel

def parallel_forward(blocks, device):
    # The catalogue names no attributes for Parallel: the two nets get their weights before it wraps them.
    nets = [fill_parameters(nn.Linear(6, 3), seed=1), fill_parameters(nn.Linear(6, 5), seed=2)]
    net = blocks.Parallel(*nets).to(device)
    out = net(inputs(4, 6, device=device))
    (out * inputs(4, 8, seed=99, device=device)).sum().backward()
    return {"output": out, "gradients": [gradients(n) for n in nets]}


def parallel_registration(blocks):
    net1, net2 = nn.Linear(6, 3), nn.Linear(6, 5)
    net = blocks.Parallel(net1, net2)
    net(inputs(2, 6))  # a Parallel that does not work yet has not earned this
    registered = {id(p) for p in net.parameters()}
    return {"net1": all(id(p) in registered for p in net1.parameters()),
            "net2": all(id(p) in registered for p in net2.parameters())}


@exercise("Parallel", points=0.5)
def test_parallel_registers_both_networks(grade):
    facts = grade.student(parallel_registration)
    expect_equal(facts, {"net1": True, "net2": True}, N_("whether Parallel's parameters include net1's and net2's"),
                 hint=N_("keep net1 and net2 as attributes (self.net1 = net1) so that PyTorch registers them"))


@exercise("Parallel", points=0.25)
def test_parallel_output_and_gradients(grade, device):
    expect_same_as_reference(grade, parallel_forward, device, what=N_("Parallel"))


# ModuleNet

def module_net_structure(blocks):
    net = blocks.ModuleNet(5, 8, 3)
    return {"children": [(name, type(m).__name__) for name, m in net.named_children()], "parameters": parameter_facts(net)}


def module_net_forward(blocks, device):
    net = fill_parameters(blocks.ModuleNet(5, 8, 3)).to(device)
    return output_and_gradients(net, inputs(4, 5, device=device))


@exercise("ModuleNet", points=0.5, needs="module_net_output_and_gradients")
def test_module_net_layers(grade):
    got, want = grade.both(module_net_structure)
    expect_equal(got, want, N_("ModuleNet(5, 8, 3)"))


@exercise("ModuleNet", points=0.25)
def test_module_net_output_and_gradients(grade, device):
    expect_same_as_reference(grade, module_net_forward, device, what=N_("ModuleNet"))


# named_conv_block

def conv_block_structure(blocks):
    net = blocks.named_conv_block()
    conv = getattr(net, "conv1", None)
    return {
        "type": type(net).__name__,
        "children": [(name, type(m).__name__) for name, m in net.named_children()],
        "conv1": conv and {k: getattr(conv, k, None) for k in ("in_channels", "out_channels", "kernel_size", "stride", "padding")},
    }


def conv_block_forward(blocks, device):
    net = fill_parameters(blocks.named_conv_block()).to(device)
    return output_and_gradients(net, inputs(2, 3, 8, 8, device=device))


@exercise("named_conv_block", points=0.5, needs="named_conv_block_output_and_gradients")
def test_named_conv_block_names(grade):
    got, want = grade.both(conv_block_structure)
    expect_equal(got, want, N_("named_conv_block()"))


@exercise("named_conv_block", points=0.25)
def test_named_conv_block_output_and_gradients(grade, device):
    expect_same_as_reference(grade, conv_block_forward, device, what=N_("named_conv_block()"))


# LeNet

def lenet_parameters(blocks):
    return parameter_facts(blocks.LeNet())


def lenet_forward(blocks, device, batch):
    net = fill_parameters(blocks.LeNet()).to(device)
    return output_and_gradients(net, inputs(batch, 1, 32, 32, device=device))


@exercise("LeNet", points=0.5, needs="lenet_output_and_gradients")
def test_lenet_parameters(grade):
    got, want = grade.both(lenet_parameters)
    expect_equal(got, want, N_("LeNet's parameters"))


@exercise("LeNet", points=0.5)
def test_lenet_output_and_gradients(grade, device):
    expect_same_as_reference(grade, lenet_forward, device, 4, what=N_("LeNet on a batch of 4"))


@exercise("LeNet", points=0.75)
def test_lenet_single_sample(grade):
    got, want = grade.both(lenet_forward, "cpu", 1)
    squeezed = isinstance(got["output"], torch.Tensor) and got["output"].dim() < want["output"].dim()
    expect_close(got["output"], want["output"], N_("LeNet on a batch of 1"),
                 hint=N_("the batch dimension of size 1 was dropped (squeeze() does that): flatten each sample, "
                      "keeping dimension 0") if squeezed else None)


@exercise("MLP", points=0.125, needs=("mlp_parameters", "mlp_output_and_gradients"))
def test_mlp_leaves_its_input_unchanged(grade):
    expect_keeps_input(grade, "MLP")


@exercise("MLP", points=0.125, needs=("mlp_parameters", "mlp_output_and_gradients"))
def test_mlp_follows_a_float64_input(grade):
    expect_follows_float64(grade, "MLP")


@exercise("MySequential", points=0.125, needs=("my_sequential_registers_modules_in_order", "my_sequential_output_and_gradients", "my_sequential_len_and_indexing"))
def test_my_sequential_leaves_its_input_unchanged(grade):
    expect_keeps_input(grade, "MySequential")


@exercise("MySequential", points=0.125, needs=("my_sequential_registers_modules_in_order", "my_sequential_output_and_gradients", "my_sequential_len_and_indexing"))
def test_my_sequential_follows_a_float64_input(grade):
    expect_follows_float64(grade, "MySequential")


@exercise("FixedHiddenMLP", points=0.125, needs=("fixed_hidden_rand_weight_is_a_buffer", "fixed_hidden_uses_one_linear_layer", "fixed_hidden_output_and_gradients"))
def test_fixed_hidden_mlp_leaves_its_input_unchanged(grade):
    expect_keeps_input(grade, "FixedHiddenMLP")


@exercise("FixedHiddenMLP", points=0.125, needs=("fixed_hidden_rand_weight_is_a_buffer", "fixed_hidden_uses_one_linear_layer", "fixed_hidden_output_and_gradients"))
def test_fixed_hidden_mlp_follows_a_float64_input(grade):
    expect_follows_float64(grade, "FixedHiddenMLP")


@exercise("NestMLP", points=0.125, needs=("nest_mlp_parameters", "nest_mlp_output_and_gradients"))
def test_nest_mlp_leaves_its_input_unchanged(grade):
    expect_keeps_input(grade, "NestMLP")


@exercise("NestMLP", points=0.125, needs=("nest_mlp_parameters", "nest_mlp_output_and_gradients"))
def test_nest_mlp_follows_a_float64_input(grade):
    expect_follows_float64(grade, "NestMLP")


@exercise("chimera", points=0.125, needs=("chimera_structure", "chimera_output_and_gradients"),
          builds_on=("NestMLP.nest_mlp_leaves_its_input_unchanged", "FixedHiddenMLP.fixed_hidden_mlp_leaves_its_input_unchanged"))
def test_chimera_leaves_its_input_unchanged(grade):
    expect_keeps_input(grade, "chimera")


@exercise("chimera", points=0.125, needs=("chimera_structure", "chimera_output_and_gradients"),
          builds_on=("NestMLP.nest_mlp_follows_a_float64_input", "FixedHiddenMLP.fixed_hidden_mlp_follows_a_float64_input"))
def test_chimera_follows_a_float64_input(grade):
    expect_follows_float64(grade, "chimera")


@exercise("Parallel", points=0.125, needs=("parallel_registers_both_networks", "parallel_output_and_gradients"))
def test_parallel_leaves_its_input_unchanged(grade):
    expect_keeps_input(grade, "Parallel")


@exercise("Parallel", points=0.125, needs=("parallel_registers_both_networks", "parallel_output_and_gradients"))
def test_parallel_follows_a_float64_input(grade):
    expect_follows_float64(grade, "Parallel")


@exercise("ModuleNet", points=0.125, needs=("module_net_layers", "module_net_output_and_gradients"))
def test_module_net_leaves_its_input_unchanged(grade):
    expect_keeps_input(grade, "ModuleNet")


@exercise("ModuleNet", points=0.125, needs=("module_net_layers", "module_net_output_and_gradients"))
def test_module_net_follows_a_float64_input(grade):
    expect_follows_float64(grade, "ModuleNet")


@exercise("named_conv_block", points=0.125, needs=("named_conv_block_names", "named_conv_block_output_and_gradients"))
def test_named_conv_block_leaves_its_input_unchanged(grade):
    expect_keeps_input(grade, "named_conv_block")


@exercise("named_conv_block", points=0.125, needs=("named_conv_block_names", "named_conv_block_output_and_gradients"))
def test_named_conv_block_follows_a_float64_input(grade):
    expect_follows_float64(grade, "named_conv_block")


@exercise("LeNet", points=0.125, needs=("lenet_parameters", "lenet_output_and_gradients", "lenet_single_sample"))
def test_lenet_leaves_its_input_unchanged(grade):
    expect_keeps_input(grade, "LeNet")


@exercise("LeNet", points=0.125, needs=("lenet_parameters", "lenet_output_and_gradients", "lenet_single_sample"))
def test_lenet_follows_a_float64_input(grade):
    expect_follows_float64(grade, "LeNet")


# Hidden checks
# The same behaviour on inputs the public checks never use: graded only by the course's
# autograder (`hidden=True`), left out of the student release with the probes only they use.

@exercise("LeNet", points=0.5, hidden=True)
def test_lenet_on_another_batch_size(grade, device):
    expect_same_as_reference(grade, lenet_forward, device, 3, what=N_("LeNet on a batch of 3"))
