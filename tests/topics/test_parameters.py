"""Checks for topic `parameters`: finding, counting and freezing the parameters of a network.

Probes (the plain functions) run in a worker on the submission and on the reference;
checks (the test functions) judge what came back. Points live on each check's marker.
The networks the helper functions are tried on are built here from torch.nn alone, so
that a mistake in block1/block2/rgnet costs nothing elsewhere.
"""

import pytest
import torch
from torch import nn

from grader.course.i18n import N_, _
from grader.checks.expect import expect, expect_close, expect_equal
from grader.checks.probing import (fill_parameters, generator, inputs, layout, parameter_facts, shared_module_net,
                                    shared_weight_net, size)

exercise = pytest.mark.exercise


# Networks the probes work on

def nested_net():
    """rgnet's layout, built here: names like "0.block 1.0.bias", Linear layers two levels down (widths 4 and 8,
    or drawn from the secret)."""
    width, hidden = size(4, seed=1), size(8, seed=2)
    blocks = nn.Sequential()
    for i in range(4):
        blocks.add_module(f"block {i}", nn.Sequential(nn.Linear(width, hidden), nn.ReLU(), nn.Linear(hidden, width),
                                                      nn.ReLU()))
    return nn.Sequential(blocks, nn.Linear(width, 1))


class Mixed(nn.Module):
    """A parameter of its own (listed first), eleven numbered layers (sorted names put 'body.10' before 'body.2'),
    every other one without a bias, and a BatchNorm (whose buffers are not parameters)."""

    def __init__(self):
        super().__init__()
        width = size(3, seed=3)
        self.body = nn.Sequential(*[nn.Linear(width, width, bias=i % 2 == 0) for i in range(11)])
        self.norm = nn.BatchNorm1d(width)
        self.scale = nn.Parameter(torch.ones(width))


class HiddenOut(nn.Module):
    """blocks.MLP's layout, smaller: hidden and out."""

    def __init__(self):
        super().__init__()
        self.hidden = nn.Linear(size(5, seed=4), size(6, seed=5))
        self.out = nn.Linear(self.hidden.out_features, 2)






def fill_in_order(net, seed=0):
    """Give the parameters values that depend on their position in parameters() order, not on their names."""
    g = generator(seed)
    with torch.no_grad():
        for parameter in net.parameters():
            parameter.copy_(torch.rand(parameter.shape, generator=g) - 0.5)
    return net




def output_with_values_by_position(net, *input_shape):
    return fill_in_order(net)(inputs(*input_shape))


# param_shapes

def param_shapes_of(parameters):
    results = []
    for net in (nested_net(), Mixed(), HiddenOut()):
        results.append([(name, tuple(shape)) for name, shape in parameters.param_shapes(net)])
    return results


@exercise("param_shapes", points=0.5)
def test_param_shapes_names_and_shapes(grade):
    got, want = grade.both(param_shapes_of)
    for net, got_pairs, want_pairs in zip(("rgnet()", N_("a module with its own parameter"), "MLP"), got, want):
        extra = set(dict(got_pairs)) - set(dict(want_pairs))
        buffers = any("running_" in name or "num_batches" in name for name in extra)
        expect_equal(dict(got_pairs), dict(want_pairs), _("param_shapes({net}) as a name -> "
                                                          "shape table", net=net),
                     hint=N_("buffers such as BatchNorm's running_mean are not parameters") if buffers else None)


@exercise("param_shapes", points=0.5, needs="param_shapes_names_and_shapes")
def test_param_shapes_order(grade):
    got, want = grade.both(param_shapes_of)
    for net, got_pairs, want_pairs in zip(("rgnet()", N_("a module with its own parameter"), "MLP"), got, want):
        expect_equal([name for name, _ in got_pairs], [name for name, _ in want_pairs],
                     _("the names param_shapes({net}) lists, in order", net=net),
                     hint=N_("the names come sorted; the order asked for is the network's own")
                     if got_pairs != want_pairs and got_pairs == sorted(got_pairs) else None)


# block1, block2, rgnet

def block1_structure(parameters):
    net = parameters.block1()
    return {"type": type(net).__name__, "layout": layout(net)}


def block1_output(parameters):
    return output_with_values_by_position(parameters.block1(), 3, 4)


def block2_structure(parameters):
    net = parameters.block2()
    return {"type": type(net).__name__, "children": [(name, layout(child)) for name, child in net.named_children()]}


def block2_output(parameters):
    return output_with_values_by_position(parameters.block2(), 3, 4)


def rgnet_structure(parameters):
    net = parameters.rgnet()
    return {"type": type(net).__name__, "parts": [type(m).__name__ for m in net], "parameters": parameter_facts(net)}


def rgnet_output(parameters):
    return output_with_values_by_position(parameters.rgnet(), 3, 4)


@exercise("block1", points=0.25, needs="block1_output")
def test_block1_layers(grade):
    got, want = grade.both(block1_structure)
    expect_equal(got, want, N_("block1()"))


@exercise("block1", points=0.25)
def test_block1_output(grade):
    got, want = grade.both(block1_output)
    expect_close(got, want, N_("block1()(X)"))


@exercise("block2", points=0.5, needs="block2_output")
def test_block2_names(grade):
    got, want = grade.both(block2_structure)
    numbered = [name for name, _ in got["children"]] == ["0", "1", "2", "3"]
    expect_equal(got, want, N_("block2()'s children (name, layers)"),
                 hint=N_("the blocks got nn.Sequential's own names '0' ... '3'; each needs the name it is given "
                      "when added") if numbered else None)


@exercise("block2", points=0.25)
def test_block2_output(grade):
    got, want = grade.both(block2_output)
    expect_close(got, want, N_("block2()(X)"))


@exercise("rgnet", points=0.25, needs="rgnet_output")
def test_rgnet_parameters(grade):
    got, want = grade.both(rgnet_structure)
    expect_equal(got, want, N_("rgnet()"))


@exercise("rgnet", points=0.125)
def test_rgnet_output(grade):
    got, want = grade.both(rgnet_output)
    expect_close(got, want, N_("rgnet()(X)"))


# get_parameter

GOOD_PATHS = (("rgnet", "0.block 1.0.bias"), ("rgnet", "0.block 3.2.weight"), ("rgnet", "1.weight"),
              ("MLP", "hidden.weight"), ("MLP", "out.bias"), ("mixed", "scale"), ("mixed", "body.10.weight"))
BAD_PATHS = (("rgnet", "0.block 4.0.bias"), ("MLP", "hidden.weights"), ("mixed", "body.1.bias"))


def networks_by_name():
    nets = {"rgnet": nested_net(), "MLP": HiddenOut(), "mixed": Mixed()}
    return {name: fill_parameters(net) for name, net in nets.items()}


def get_parameter_values(parameters):
    nets = networks_by_name()
    return [parameters.get_parameter(nets[net], path) for net, path in GOOD_PATHS]


def get_parameter_identity(parameters):
    """For each good path: whether get_parameter gave the parameter itself, else how what it gave relates to it."""
    nets = networks_by_name()
    facts = []
    for net, path in GOOD_PATHS:
        own, got = dict(nets[net].named_parameters())[path], parameters.get_parameter(nets[net], path)
        facts.append({"same": got is own,
                      "shares_memory": isinstance(got, torch.Tensor) and got.data_ptr() == own.data_ptr()})
    return facts


def get_parameter_missing(parameters):
    """Which exception get_parameter raises, and with what message, for each of BAD_PATHS."""
    results = []
    for net, path in BAD_PATHS:
        try:
            parameters.get_parameter(networks_by_name()[net], path)
        except NotImplementedError:
            raise
        except Exception as error:  # noqa: BLE001 - which exception it was is what we judge
            results.append({"raised": type(error).__name__, "message": str(error)})
        else:
            results.append({"raised": None, "message": ""})
    return results


@exercise("get_parameter", points=0.125)
def test_get_parameter_values(grade):
    got, want = grade.both(get_parameter_values)
    expect_close(got, want, "get_parameter(net, path) for " + ", ".join(repr(p) for _, p in GOOD_PATHS))


SHARED_PATHS = ("2.weight", "4.weight", "4.bias")  # net[2] is net[4]: named_parameters() lists only "2.*"


def get_parameter_of_a_shared_layer(parameters):
    """get_parameter for both names of a layer used twice: whether each gave that layer's parameter, or what it raised."""
    net = fill_parameters(shared_module_net())
    facts = {}
    for path in SHARED_PATHS:
        try:
            got = parameters.get_parameter(net, path)
        except NotImplementedError:
            raise
        except Exception as error:  # noqa: BLE001 - which exception it was is what we judge
            facts[path] = {"raised": type(error).__name__, "values_equal": False}
        else:
            own = net.get_parameter(path)
            facts[path] = {"raised": None, "values_equal": isinstance(got, torch.Tensor) and got.shape == own.shape
                           and bool(torch.equal(got.detach(), own.detach()))}
    return facts


@exercise("get_parameter", points=0.125)
def test_get_parameter_resolves_every_name_of_a_shared_layer(grade):
    facts = grade.student(get_parameter_of_a_shared_layer)
    for path, fact in facts.items():
        expect(fact["raised"] is None,
               _("get_parameter(net, {path!r}) raised {raised} for a network whose net[2] and net[4] are one layer: "
                 "{path!r} names that layer's parameter too (net.get_parameter({path!r}) finds it)",
                 path=path, raised=fact["raised"]),
               hint=N_("named_parameters() lists a shared parameter once, under its first name only; "
                       "named_parameters(remove_duplicate=False) lists every name"))
        expect(fact["values_equal"], _("get_parameter(net, {path!r}) did not give that layer's parameter, for a "
                                       "network whose net[2] and net[4] are one layer", path=path))


@exercise("get_parameter", points=0.5)
def test_get_parameter_returns_the_parameter_itself(grade):
    facts = grade.student(get_parameter_identity)
    wrong = [(path, fact) for (_, path), fact in zip(GOOD_PATHS, facts) if fact["same"] is not True]
    views = [path for path, fact in wrong if fact["shares_memory"]]
    copies = [path for path, fact in wrong if not fact["shares_memory"]]
    hint = N_("return the nn.Parameter object itself, so that changing it changes the network")
    expect(not views, _("get_parameter(net, path) is not the network's own parameter for "
                        "{views}: it is another tensor that shares the parameter's memory (it "
                        "has no .grad of its own, and an optimizer given it trains nothing)", views=views), hint)
    expect(not copies, _("get_parameter(net, path) is not the network's own parameter for "
                         "{copies}: it is a copy, so changing it leaves the network as it was", copies=copies), hint)


@exercise("get_parameter", points=0.5)
def test_get_parameter_missing_path_raises_key_error(grade):
    for (_name, path), result in zip(BAD_PATHS, grade.student(get_parameter_missing)):
        expect(result["raised"] is not None, _("get_parameter(net, {path!r}) returned instead of "
                                               "raising KeyError", path=path),
               hint=N_("a path that names no parameter must raise KeyError"))
        expect(result["raised"] == "KeyError",
               _("get_parameter(net, {path!r}) raised {raised} ({message}) instead of KeyError", path=path, raised=result['raised'], message=result['message']),
               hint=N_("nn.Module.get_parameter raises AttributeError: turn it into a KeyError")
               if result["raised"] == "AttributeError" else None)
        expect(path in result["message"],
               _("the KeyError's message {message!r} does not name the path {path!r}", message=result['message'], path=path),
               hint=N_("put the path in the message, e.g. raise KeyError(f'no parameter named {path!r}')"))


# count_parameters

def count_plain(parameters):
    return [parameters.count_parameters(net) for net in (nested_net(), Mixed(), HiddenOut())]


def widened(net):
    """`net` behind a Linear from a width drawn from the secret (100 without one): counts no student file holds."""
    return nn.Sequential(nn.Linear(size(100, seed=31), net[0].in_features), *net)


def count_shared(parameters):
    return [parameters.count_parameters(widened(net)) for net in (shared_module_net(), shared_weight_net())]


def partly_frozen_net():
    net = nested_net()
    for name, parameter in net.named_parameters():
        if name.startswith("0.block 1.") or name.endswith("0.bias"):
            parameter.requires_grad_(False)
    return net


def count_trainable(parameters):
    return {"trainable_only=True": parameters.count_parameters(partly_frozen_net(), trainable_only=True),
            "trainable_only=False": parameters.count_parameters(partly_frozen_net(), trainable_only=False),
            "default": parameters.count_parameters(partly_frozen_net())}


@exercise("count_parameters", points=0.5)
def test_count_parameters(grade):
    got, want = grade.both(count_plain)
    buffers = isinstance(got, list) and len(got) == 3 and got[0] == want[0] and got[2] == want[2] and (
        isinstance(got[1], int) and got[1] > want[1])
    expect_equal(got, want, N_("count_parameters of rgnet(), a module with a BatchNorm, and an MLP"),
                 hint=N_("only the module with a BatchNorm is over: its buffers (running_mean...) are not parameters")
                 if buffers else None)


@exercise("count_parameters", points=0.5)
def test_count_parameters_counts_shared_once(grade):
    got, want = grade.both(count_shared)
    expect_equal(got, want, N_("count_parameters of a network using one Linear twice, and of one where two Linears "
                            "hold the same weight"),
                 hint=N_("a shared parameter is one tensor: count it once") if isinstance(got, list) and len(got) == 2
                 and all(isinstance(g, int) and g > w for g, w in zip(got, want) if g != w) else None)


@exercise("count_parameters", points=0.5)
def test_count_parameters_trainable_only(grade):
    got, want = grade.both(count_trainable)
    ignored = isinstance(got, dict) and got.get("trainable_only=True") == got.get("trainable_only=False")
    expect_equal(got, want, N_("count_parameters of a partly frozen rgnet()"),
                 hint=N_("trainable_only=True counts the same as trainable_only=False: the flag is ignored")
                 if ignored else None)


# linear_layers

def names_of_found_modules(net, found):
    names = {id(module): name for name, module in net.named_modules()}
    return [names.get(id(module), f"<a {type(module).__name__} that is not a module of the network>")
            for module in found]


def linear_layers_nested(parameters):
    innermost = nn.Linear(2, 2)
    for _ in range(size(2, seed=6)):  # two levels down, or as deep as the secret says
        innermost = nn.Sequential(innermost)
    nets = (nested_net(), Mixed(), nn.Sequential(HiddenOut(), innermost))
    return [names_of_found_modules(net, parameters.linear_layers(net)) for net in nets]


def linear_layers_shared(parameters):
    # behind as many layers without parameters as the secret says (none without one): names no student file holds
    net = nn.Sequential(*[nn.Identity() for _ in range(size(50, seed=32) - 50)], *shared_module_net())
    return names_of_found_modules(net, parameters.linear_layers(net))


@exercise("linear_layers", points=0.75)
def test_linear_layers_at_every_depth(grade):
    got, want = grade.both(linear_layers_nested)
    top_level_only = isinstance(got, list) and all(
        isinstance(names, list) and all("." not in str(name) for name in names) for names in got)
    expect_equal(got, want, N_("the names of the Linear layers linear_layers finds in three nested networks"),
                 hint=N_("only top-level layers were found: the search must reach every depth") if top_level_only else None)


@exercise("linear_layers", points=0.5)
def test_linear_layers_lists_a_shared_layer_once(grade):
    got, want = grade.both(linear_layers_shared)
    expect_equal(got, want, N_("the Linear layers of nn.Sequential(Linear, ReLU, shared, ReLU, shared, ReLU, Linear)"),
                 hint=N_("a layer used twice is one module: list it once")
                 if isinstance(got, list) and len(set(map(str, got))) < len(got) else None)


# freeze

def trainable_after_freeze(parameters, prefixes, frozen_before=()):
    net = nested_net()
    # a layer whose name is drawn from the secret (letters only: no prefix matches it, nor contains it)
    net.add_module("head " + "".join(chr(ord("a") + int(digit)) for digit in str(size(1000, seed=7))), nn.Linear(1, 1))
    for name, parameter in net.named_parameters():
        if name in frozen_before:
            parameter.requires_grad_(False)
    parameters.freeze(net, list(prefixes) if isinstance(prefixes, tuple) else prefixes)
    return {name: parameter.requires_grad for name, parameter in net.named_parameters()}


def expect_same_flags(grade, what, hint, *args):
    got, want = grade.both(trainable_after_freeze, *args)
    wrong_frozen = [name for name in want if want[name] and got.get(name) is False]
    wrong_trainable = [name for name in want if not want[name] and got.get(name) is True]
    expect(not wrong_frozen, _("{what} froze {wrong_frozen}, which it should have left trainable", what=what, wrong_frozen=wrong_frozen), hint)
    expect(not wrong_trainable, _("{what} left {wrong_trainable} trainable, which it should have "
                                  "frozen", what=what, wrong_trainable=wrong_trainable), hint)
    expect_equal(got, want, _("requires_grad of every parameter after {what}", what=what))


@exercise("freeze", points=0.5)
def test_freeze_list_of_prefixes(grade):
    expect_same_flags(grade, "freeze(rgnet(), ['0.block 2.', '1.weight'])",
                      N_("set requires_grad = False on exactly the parameters whose dotted name starts with one of "
                      "the prefixes, and touch no other"), ("0.block 2.", "1.weight"))


@exercise("freeze", points=0.25)
def test_freeze_single_string(grade):
    expect_same_flags(grade, "freeze(rgnet(), '0.block 3')",
                      N_("prefixes may be one string: treat it as a one-item list (iterating over a string gives "
                      "its characters)"), "0.block 3")


@exercise("freeze", points=0.25)
def test_freeze_matches_prefixes_not_substrings(grade):
    expect_same_flags(grade, "freeze(rgnet(), ['1'])",
                      N_("match with name.startswith(prefix): '1' is a prefix of '1.weight' but only a part of "
                      "'0.block 1.0.weight'"), ("1",))


@exercise("freeze", points=0.25)
def test_freeze_leaves_other_parameters_unchanged(grade):
    expect_same_flags(grade, N_("freeze(rgnet(), ['0.block 1.']) on a network whose '0.block 0.0.weight' and "
                             "'1.bias' were frozen already"),
                      N_("only ever set requires_grad to False, and only on the matching parameters: the others "
                      "keep the flag they had"), ("0.block 1.",), ("0.block 0.0.weight", "1.bias"))


# Hidden checks
# The same behaviour on inputs the public checks never use: graded only by the course's
# autograder (`hidden=True`), left out of the student release with the probes only they use.

def rgnet_output_other_batch(parameters):
    return output_with_values_by_position(parameters.rgnet(), 7, 4)


@exercise("rgnet", points=0.125, hidden=True)
def test_rgnet_output_on_another_batch(grade):
    got, want = grade.both(rgnet_output_other_batch)
    expect_close(got, want, N_("rgnet()(X) on a batch of 7"))
