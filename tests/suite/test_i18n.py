"""The message catalogues: every message in every language, and rendering in the student's."""

from pathlib import Path

import pytest

from grader.authoring import messages
from grader.course import i18n
from grader.course.i18n import N_, _, _n

STUB_LINE = "return X minus the mean of all its entries"


def test_every_message_has_a_translation_in_every_language():
    assert i18n.available_locales(), "there is no catalogue under grader/locale"
    for locale in i18n.available_locales():
        assert messages.problems(locale) == []


def test_a_message_in_one_language_only_is_reported(tmp_path):
    (tmp_path / "grader").mkdir()
    (tmp_path / "grader" / "engine.py").write_text('from grader.course.i18n import _\nMESSAGE = _("a message nobody translated")\n')
    (tmp_path / "tests" / "topics").mkdir(parents=True)
    (tmp_path / "solutions").mkdir()
    found = "\n".join(messages.problems("zh_CN", repo=tmp_path))
    assert "no translation for 'a message nobody translated'" in found
    assert "'not implemented yet' is translated but no longer used" in found


def test_guide_texts_and_stub_task_lines_are_msgids(tmp_path):
    (tmp_path / "grader").mkdir()
    (tmp_path / "tests" / "topics").mkdir(parents=True)
    (tmp_path / "tests" / "topics" / "guide_layers.toml").write_text(
        '[MyLinear]\nhints = ["the idea", "the API", "close to code"]\nd2l = "custom-layer"\nbook = "the book does X"\n')
    (tmp_path / "solutions").mkdir()
    (tmp_path / "solutions" / "layers.py").write_text("def f():\n    # BEGIN SOLUTION: do the task\n    pass\n    # END SOLUTION\n")
    ids = {message.id for message in messages.extract(tmp_path) if message.id}
    assert ids == {"the idea", "the API", "close to code", "the book does X", "do the task"}


@pytest.mark.parametrize("option, environ, expected", [
    ("zh", {"LANG": "en_US.UTF-8"}, "zh_CN"),
    ("en", {"LANG": "zh_CN.UTF-8"}, "en"),
    (None, {"LANG": "zh_CN.UTF-8"}, "zh_CN"),
    (None, {"LANGUAGE": "zh_TW:en", "LANG": "C.UTF-8"}, "zh_CN"),
    (None, {"LANG": "C.UTF-8"}, "en"),
    (None, {}, "en"),
    ("fr", {}, "en"),
])
def test_the_language_comes_from_the_option_or_the_environment(option, environ, expected):
    assert i18n.requested_language(option, environ) == expected


def test_a_message_renders_in_chinese_with_its_fields_translated_too():
    tr = i18n.translator("zh")
    message = _("not implemented yet: {task}", task=STUB_LINE)
    assert str(message) == f"not implemented yet: {STUB_LINE}"
    assert tr(message) == "尚未实现：返回 X 减去其所有元素的均值"
    assert tr(_("{where}: expected {want:.6g}, got {got:.6g}", where="x", want=1 / 3, got=2.0)) == "x：应为 0.333333，实际为 2"
    assert tr(N_("CUDA is not available on this machine")) == "这台机器上没有可用的 CUDA"
    assert tr("text that is no msgid") == "text that is no msgid"


def test_plural_messages_follow_the_count():
    assert str(_n("and {n} more problem", "and {n} more problems", 1, n=1)) == "and 1 more problem"
    assert str(_n("and {n} more problem", "and {n} more problems", 3, n=3)) == "and 3 more problems"
    assert i18n.translator("zh")(_n("and {n} more problem", "and {n} more problems", 3, n=3)) == "还有 3 个问题"


def test_unmarked_lists_literal_messages_of_checks(tmp_path):
    check = tmp_path / "test_topic.py"
    check.write_text(
        "from grader.course.i18n import _\n"
        "def test_a(grade):\n"
        "    expect(ok, 'a plain message', hint=_('a marked hint'))\n"
        "    expect_close(got, want, f'net.{name}')\n"
        "    expect_close(got, want, _('the output'), rtol=0)\n"
    )
    found = messages.unmarked([check])
    assert [line.split(": ", 1)[1] for line in found] == ["'a plain message'", "f'net.{name}'"]


def test_the_engine_marks_all_its_messages():
    assert messages.unmarked(sorted(Path(i18n.__file__).parents[1].rglob("*.py"))) == []


def test_an_update_adds_a_new_message_untranslated_and_changes_no_other_line():
    """A message added near the top of a file shifts every line below it: the catalogue must not
    change for that, nor pre-fill the new entry with a guess from a similar message (fuzzy)."""
    import difflib

    from babel.messages.catalog import Catalog

    current = messages.merged(i18n.read_catalog("zh_CN"), messages.extract())
    template = messages.extract()
    shifted = Catalog(domain=template.domain, project="torchlings", charset="utf-8")
    shifted.add("{key}: expected {want}, got {got}!", locations=[("grader/checks/expect.py", 1)],
                flags=("python-brace-format",))
    for message in template:
        if message.id:
            shifted.add(message.id, locations=[(file, line + 7) for file, line in message.locations],
                        flags=message.flags, auto_comments=message.auto_comments)
    after = messages.merged(i18n.read_catalog("zh_CN"), shifted)
    changed = [line for line in difflib.unified_diff(current.decode().splitlines(), after.decode().splitlines(),
                                                     lineterm="", n=0) if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    assert all(line.startswith("+") for line in changed), changed
    assert 'msgid "{key}: expected {want}, got {got}!"' in "\n".join(changed) and "+#, fuzzy" not in changed
    new = messages.read_po_bytes(after).get("{key}: expected {want}, got {got}!")
    assert new.string == "" and not new.fuzzy


def test_no_message_speaks_of_the_catalogue_which_students_never_see():
    catalog = i18n.read_catalog("zh_CN")
    assert not [message.id for message in catalog if message.id and "catalogue" in str(message.id)]


def test_where_a_stuck_probe_was_reads_in_chinese():
    """The place named in a timeout's message ('stuck in layers.py, line 15, in forward') is a message too."""
    import re

    from grader.workers.pool import Place

    tr = i18n.translator("zh")
    for place in (Place("/nowhere/layers.py", 15, "forward"), Place("/nowhere/layers.ipynb, cell 4", 3, "forward")):
        text = tr(place.text())
        assert "layers." in text and "forward" in text and re.search(r"\b(line|in|cell)\b", text) is None, text
