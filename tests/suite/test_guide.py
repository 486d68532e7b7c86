"""The exercise guide (tests/topics/guide_<topic>.toml) and docs/EXERCISES.md generated from it."""

import textwrap

import pytest

from grader.authoring import guide

from grader import course
from grader.course import available_topics, guides, i18n

from grader.commands import release

from grader.authoring import stubs
TOPICS = available_topics()


@pytest.mark.parametrize("topic", TOPICS)
def test_every_graded_exercise_has_its_guide_and_nothing_else_has_one(topic):
    assert sorted(guides.load_guide(topic)) == sorted(e.symbol for e in guide.exercises(topic))


@pytest.mark.parametrize("topic", TOPICS)
def test_each_guide_table_has_three_hint_levels_and_a_known_d2l_section(topic):
    for symbol, table in guides.load_guide(topic).items():
        assert set(table) <= {"hints", "d2l", "book"}, (symbol, set(table))
        assert len(table["hints"]) == guides.HINT_LEVELS and all(h.strip() for h in table["hints"]), symbol
        assert table["d2l"] in guides.D2L_SECTIONS, (symbol, table["d2l"])
        assert table.get("book", "the book").startswith("the book"), symbol


@pytest.mark.parametrize("topic", TOPICS)
def test_the_first_two_hint_levels_do_not_spell_out_the_solution(topic):
    """Levels 1 and 2 give the idea and the API to look up; only level 3 comes close to code.

    A dotted name alone (`torch.cuda.device_count`) names the API to look up; a run with a call,
    an argument or an operator in it is code.
    """
    blocks = guide.blocks_by_symbol((guide.SOLUTIONS / f"{topic}.py").read_text())
    copied = {}
    for symbol, table in guides.load_guide(topic).items():
        code = "".join(line for _, block in blocks.get(symbol, []) for line in block.code)
        for level, hint in enumerate(table["hints"][:2], start=1):
            if runs := [run for run in stubs.copied_code(code, hint) if not _dotted_name(run)]:
                copied[f"{symbol} level {level}"] = runs
    assert not copied, copied


def _dotted_name(run: str) -> bool:
    return all(token == "." or token.isidentifier() for token in run.split())


@pytest.fixture(scope="module")
def solution_lines() -> set[str]:
    return release.solution_lines()


def _leaking_lines(text: str, solution_lines: set[str]) -> list[str]:
    return sorted(line for line in solution_lines if line in text)


@pytest.mark.parametrize("topic", TOPICS)
def test_no_hint_level_or_book_note_holds_a_solution_line(topic, solution_lines):
    """Answers never ship: the release's own rule (`release.solution_lines`) applied to every hint
    level and note on the book, and to each of their translations, before any release is built."""
    catalogs = {locale: i18n.read_catalog(locale) for locale in i18n.available_locales()}
    leaks = {}
    for symbol, table in guides.load_guide(topic).items():
        for text in guides.guide_texts(table):
            shown = {"en": text} | {locale: message.string for locale, catalog in catalogs.items()
                                    if (message := catalog.get(text)) is not None}
            for language, words in shown.items():
                if found := _leaking_lines(words, solution_lines):
                    leaks[f"{symbol} ({language}): {text[:40]}..."] = found
    assert not leaks, leaks


def test_the_leak_rule_finds_a_solution_line_inside_a_hint(solution_lines):
    line = max(solution_lines, key=len)
    assert line in _leaking_lines(f"Close to code: {line}; then return it.", solution_lines)


def test_the_course_total_is_the_sum_of_the_checks_unless_pinned():
    """The checks' markers are the one source of points; `grader.course.PINNED_TOTAL`, when an
    instructor sets it, is the one place that pins the course's total."""
    total = guide.course_total()
    assert total == sum(e.points.shown + e.points.hidden for topic in TOPICS for e in guide.exercises(topic)) > 0
    assert course.PINNED_TOTAL is None or total == course.PINNED_TOTAL, (
        f"the checks' points add up to {total:g}, but grader/course/__init__.py pins the course's total at "
        f"{course.PINNED_TOTAL:g}: change the checks' points, or PINNED_TOTAL")


def test_points_are_summed_per_symbol_from_the_markers_and_hidden_ones_kept_apart():
    source = textwrap.dedent("""\
        import pytest
        exercise = pytest.mark.exercise

        @exercise("Layer", points=1)
        def test_a(grade): ...

        @pytest.mark.exercise("Layer", 0.5)
        def test_b(grade): ...

        @exercise("Layer", points=2, hidden=True)
        def test_c(grade): ...

        @exercise("other", points=0.25)
        @pytest.mark.parametrize("x", [1, 2])
        def test_d(grade, x): ...
        """)
    points = guide.exercise_points(source)
    assert (points["Layer"].shown, points["Layer"].hidden) == (1.5, 2.0)
    assert (points["other"].shown, points["other"].hidden) == (0.25, 0.0)


def test_blocks_are_told_apart_by_symbol_and_method():
    source = textwrap.dedent("""\
        class Layer:
            def __init__(self):
                # BEGIN SOLUTION: make it
                self.x = 1
                # END SOLUTION

            def forward(self, X):
                # BEGIN SOLUTION: use it
                return X
                # END SOLUTION


        def helper():
            # BEGIN SOLUTION: help
            return 1
            # END SOLUTION
        """)
    found = {symbol: [(method, block.task) for method, block in blocks]
             for symbol, blocks in guide.blocks_by_symbol(source).items()}
    assert found == {"Layer": [("__init__", "make it"), ("forward", "use it")], "helper": [(None, "help")]}


def test_d2l_links_point_at_both_editions():
    assert guides.d2l_links("custom-layer") == {
        "en": "https://d2l.ai/chapter_builders-guide/custom-layer.html",
        "zh": "https://zh.d2l.ai/chapter_deep-learning-computation/custom-layer.html",
    }


def test_the_exercise_list_is_up_to_date(repo):
    assert (repo / "docs" / "EXERCISES.md").read_text() == guide.exercises_markdown(), \
        "docs/EXERCISES.md is out of date: run `make stubs`"


def test_the_exercise_list_names_every_exercise_with_its_points_and_links():
    text = guide.exercises_markdown()
    assert f"Total: {guide.course_total():g} points" in text
    my_linear = guide.exercise_points((guide.CHECKS / "test_layers.py").read_text())["MyLinear"]
    assert f"| `MyLinear` | {my_linear.shown + my_linear.hidden:g} (" in text and "https://zh.d2l.ai/chapter_deep-learning-computation/custom-layer.html" in text
    assert all(f"`{e.symbol}`" in text for topic in TOPICS for e in guide.exercises(topic))


def test_make_stubs_says_which_solution_block_no_check_grades(monkeypatch, tmp_path, capsys):
    (tmp_path / "solutions").mkdir()
    (tmp_path / "checks").mkdir()
    (tmp_path / "solutions" / "layers.py").write_text(textwrap.dedent("""\
        class MyLinear:
            def forward(self, X):
                # BEGIN SOLUTION: return X
                return X
                # END SOLUTION
        class FourierHalf:
            def forward(self, X):
                # BEGIN SOLUTION: return half of X
                return X / 2
                # END SOLUTION
        """))
    (tmp_path / "solutions" / "newtopic.py").write_text((tmp_path / "solutions" / "layers.py").read_text())
    (tmp_path / "checks" / "test_layers.py").write_text(textwrap.dedent("""\
        @exercise("MyLinear", points=1)
        def test_output(grade):
            pass
        """))
    monkeypatch.setattr(guide, "SOLUTIONS", tmp_path / "solutions")
    monkeypatch.setattr(guide, "CHECKS", tmp_path / "checks")
    assert guide.unchecked() == ["layers.FourierHalf", "newtopic"]
    monkeypatch.setattr(guide, "EXERCISES_MD", tmp_path / "EXERCISES.md")
    monkeypatch.setattr(guide, "exercises_markdown", lambda: "text")
    assert guide.main([]) == 0
    out, err = capsys.readouterr()
    assert "docs/EXERCISES.md leaves out layers.FourierHalf" in err and "without 2 exercises" in out
    assert guide.main(["--check"]) == 1


def test_every_solution_block_is_graded():
    assert guide.unchecked() == []
