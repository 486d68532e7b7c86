"""Stubs are generated from the solutions' markers."""

import textwrap

import pytest

from grader.authoring import stubs
from grader.course import solutions
SOLUTION = textwrap.dedent('''\
    """Topic: a docstring that stays."""


    class Layer:
        """What Layer does."""

        def forward(self, X):
            """Its docstring stays too."""
            # BEGIN SOLUTION: return X doubled
            doubled = X * 2
            return doubled
            # END SOLUTION


    def given(x):
        return x + 1
    ''')


def test_each_marked_block_becomes_a_not_implemented_error_with_its_pointer():
    stub = stubs.make_stub(SOLUTION, "topic.py")
    assert "raise NotImplementedError('return X doubled')" in stub
    assert "doubled = X * 2" not in stub and "SOLUTION" not in stub
    assert '"""Its docstring stays too."""' in stub and "def forward(self, X):" in stub
    assert "def given(x):\n    return x + 1" in stub
    assert "        raise NotImplementedError" in stub  # the block's indentation


def test_a_stub_is_valid_python_that_raises_the_pointer():
    namespace = {}
    exec(compile(stubs.make_stub(SOLUTION), "topic.py", "exec"), namespace)
    with pytest.raises(NotImplementedError, match="return X doubled"):
        namespace["Layer"]().forward(1)
    assert namespace["given"](1) == 2


@pytest.mark.parametrize("source, problem", [
    ("# BEGIN SOLUTION\nx = 1\n", "never closed"),
    ("x = 1\n# END SOLUTION\n", "without a BEGIN"),
    ("# BEGIN SOLUTION\n# BEGIN SOLUTION\n# END SOLUTION\n", "inside the block opened at line 1"),
])
def test_markers_that_do_not_pair_up_are_refused_with_the_line(source, problem):
    with pytest.raises(solutions.MarkerError, match=problem):
        stubs.make_stub(source, "topic.py")


def test_every_solution_has_its_stub_and_every_stub_its_solution(repo):
    assert sorted(p.name for p in (repo / "exercises").glob("*.py")) == sorted(stubs.expected_stubs())


def test_the_stub_check_notices_a_stale_stub(tmp_path):
    (tmp_path / "topic.py").write_text(SOLUTION)
    assert stubs.expected_stubs(tmp_path)["topic.py"] == stubs.make_stub(SOLUTION, "topic.py")


def test_a_constraint_line_becomes_a_comment_above_the_error():
    source = ("def f(x):\n    # BEGIN SOLUTION: return x doubled\n    # - x is left unchanged\n"
              "    # a comment of the code\n    return x * 2\n    # END SOLUTION\n")
    block, = solutions.solution_blocks(source)
    assert block.constraints == ["x is left unchanged"] and block.code[0].strip() == "# a comment of the code"
    assert "    # - x is left unchanged\n    raise NotImplementedError('return x doubled')\n" in stubs.make_stub(source)


@pytest.mark.parametrize("code, task, copied", [
    ("torch.save(obj, path)\n", "torch.save(obj, path)", ["torch . save (", ". save ( obj", "save ( obj ,",
                                                          "( obj , path", "obj , path )"]),
    ("self.add_module(str(index), module)\n", "register each module with self.add_module(str(index), module)",
     ["self . add_module (", ". add_module ( str", "add_module ( str (", "( str ( index", "str ( index )",
      "( index ) ,", "index ) , module", ") , module )"]),
    ("return torch.load(path, weights_only=False)\n", "load it with weights_only=False",
     []),  # three tokens: naming the option is not dictating the call
    ("return torch.load(path, weights_only=False)\n", "load(path, weights_only=False)",
     ["load ( path ,", "( path , weights_only", "path , weights_only =", ", weights_only = False",
      "weights_only = False )"]),
    ("self.register_buffer('rand_weight', torch.rand(20, 20))\n", 'a buffer named "rand_weight"', []),
    ("self.register_buffer('rand_weight', torch.rand(20, 20))\n", 'register_buffer("rand_weight", torch',
     ['register_buffer ( "rand_weight" ,', '( "rand_weight" , torch']),
    ("X = nn.Linear(20, 256)\n", "a layer with 20 inputs and 256 outputs", []),
    ("x = (1, 2)\n", "(1, 2)", []),  # punctuation and numbers alone name no code
])
def test_copied_code_finds_runs_of_the_code_in_the_task(code, task, copied):
    assert stubs.copied_code(code, task) == copied


@pytest.mark.parametrize("code, text, given, copied", [
    ("self.weight = nn.Parameter(torch.randn(in_units, units))\n", "weight of shape (in_units, units)",
     {"in_units", "units", "nn", "torch", "self"}, []),  # only what the signature shows
    ("return self.net1(X), net(X)\n", "net(X) and self.net1(X)", {"self", "net", "net1", "X"},
     ["self . net1 (", ". net1 ( X", "net1 ( X )"]),  # an attribute is never given, even under a given name
    ("return TensorDataset(X, y)\n", "a loader over TensorDataset(X, y)", {"TensorDataset", "X", "y"}, []),
    ("return TensorDataset(X, y)\n", "a loader over TensorDataset(X, y)", {"X", "y"},
     ["TensorDataset ( X ,"]),
])
def test_a_run_of_names_the_stub_already_gives_is_not_copied_code(code, text, given, copied):
    assert stubs.copied_code(code, text, given=frozenset(given)) == copied


def test_the_given_names_are_what_the_stubs_own_code_binds():
    given = stubs.given_names(stubs.make_stub(SOLUTION))
    assert given == {"Layer", "forward", "self", "X", "given", "x"}
    assert "doubled" not in given  # bound only inside the block, which the stub does not have


PROSE = textwrap.dedent('''\
    """Module: every block. forward(X) doubles X."""
    # a module comment


    class Layer:
        """Layer's blocks only."""

        def forward(self, X):
            """forward's block."""
            # BEGIN SOLUTION: return X doubled
            # - a constraint, part of the block
            # a comment of the code
            return X.double()
            # END SOLUTION


    def other(x):
        """other's block."""  # and a comment beside it
        # BEGIN SOLUTION: return x halved
        return x.half()
        # END SOLUTION
    ''')


def test_prose_is_every_docstring_and_comment_outside_the_blocks_with_the_blocks_it_documents():
    first, second = solutions.solution_blocks(PROSE)
    prose = [(p.line, p.text, [b.line for b in p.blocks]) for p in stubs.stub_prose(PROSE)]
    assert prose == [
        (1, "Module: every block. forward(X) doubles X.", [first.line, second.line]),
        (2, "# a module comment", [first.line, second.line]),
        (6, "Layer's blocks only.", [first.line]),
        (9, "forward's block.", [first.line]),
        (18, "other's block.", [second.line]),
        (18, "# and a comment beside it", [second.line]),
    ]


def test_a_docstring_that_spells_out_code_it_documents_is_found():
    source = PROSE.replace("Layer's blocks only.", "returns X.double() of its input")
    assert stubs.copied_in_prose(PROSE) == {}
    assert stubs.copied_in_prose(source, "topic.py") == {
        "topic.py:6: 'returns X.double() of its input'": ["X . double (", ". double ( )"]}
    assert stubs.copied_in_prose(PROSE.replace("Layer's blocks only.", "returns x.half()")) == {}  # not Layer's code


@pytest.mark.parametrize("name", sorted(stubs.expected_stubs()))
def test_no_task_line_dictates_its_blocks_code(repo, name):
    """Teach, don't dictate: a stub states the task and its constraints, never the calls that meet them."""
    copied = stubs.copied_in_tasks((repo / "solutions" / name).read_text(), name)
    assert not copied, f"task lines that spell out their block's code ({stubs.RUN_LENGTH} tokens or more): {copied}"


@pytest.mark.parametrize("name", sorted(stubs.expected_stubs()))
def test_no_docstring_or_comment_dictates_the_code_it_documents(repo, name):
    """The stub keeps the solution's docstrings and comments: they state the contract, not the code."""
    copied = stubs.copied_in_prose((repo / "solutions" / name).read_text(), name)
    assert not copied, f"docstrings and comments that spell out code ({stubs.RUN_LENGTH} tokens or more): {copied}"


def test_a_docstring_that_names_what_its_block_calls_but_its_task_keeps_back_is_found():
    source = textwrap.dedent('''\
        class Net:
            """A fixed matrix kept as a buffer."""

            def __init__(self):
                # BEGIN SOLUTION: create w, a fixed matrix that is never trained
                self.register_buffer("w", torch.rand(2, 2))
                # END SOLUTION
        ''')
    assert stubs.answered_in_prose(source, "topic.py") == {"topic.py:2: 'A fixed matrix kept as a buffer.'": ["buffer"]}
    # Said by the task (in any ending), or a word too short to name anything: nothing given away.
    assert stubs.answered_in_prose(source.replace("never trained", "a buffer, never trained")) == {}
    assert stubs.answered_in_prose(source.replace("as a buffer", "that is never trained")) == {}
    assert stubs.answered_in_prose(source.replace("torch.rand", "torch.ones")) == {"<solution>:2: 'A fixed matrix kept as a buffer.'": ["buffer"]}


@pytest.mark.parametrize("name", sorted(stubs.expected_stubs()))
def test_no_docstring_or_comment_gives_away_what_its_task_keeps_back(repo, name):
    """A word of a name the block calls ("buffer" of register_buffer) is said by the task first, or not at all."""
    answered = stubs.answered_in_prose((repo / "solutions" / name).read_text(), name)
    assert not answered, f"docstrings and comments that give away a call their task does not name: {answered}"
