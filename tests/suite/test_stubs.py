"""Stubs are generated from the solutions' markers."""

import textwrap

import pytest

from grader import stubs

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
    with pytest.raises(stubs.MarkerError, match=problem):
        stubs.make_stub(source, "topic.py")


def test_every_solution_has_its_stub_and_every_stub_its_solution(repo):
    assert sorted(p.name for p in (repo / "exercises").glob("*.py")) == sorted(stubs.expected_stubs())


def test_the_stub_check_notices_a_stale_stub(tmp_path):
    (tmp_path / "topic.py").write_text(SOLUTION)
    assert stubs.expected_stubs(tmp_path)["topic.py"] == stubs.make_stub(SOLUTION, "topic.py")
