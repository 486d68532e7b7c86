"""Messages in the student's language: English msgids, one gettext catalogue per other language.

Text a student reads is written in English, as a template with named placeholders, and
marked so that Babel's extractor finds it:

    _("{what}: expected {want}, got {got}", what=what, want=want, got=got)  # a Message
    _n("and {n} more problem", "and {n} more problems", count, n=count)     # a plural Message
    N_("the output")  # marks a constant string; returns it unchanged

A `Message` is rendered later by a `Translator` (`translator.render(message)`), which the
grading session keeps in `config.stash` and hands to the reports: nothing is installed
globally. A field that is a plain string is looked up as a msgid (an exact match, else kept
as it is), so a constant marked with `N_`, a guide hint or a stub's task line comes out in
the student's language too. `str(message)` is the English text.

Catalogues are `grader/locale/<locale>/LC_MESSAGES/torchlings.po`, read with Babel and
compiled in memory when a language other than English is asked for (no build step).

Extracting and checking the catalogues is an authoring task: `grader.authoring.messages`.
"""

from __future__ import annotations

import gettext
import io
import os
import re
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
# The message markers, as Babel's extractor is told them (`grader.authoring.messages`, the release).
EXTRACT_KEYWORDS = {"_": None, "N_": None, "_n": (1, 2)}
DOMAIN = "torchlings"
SOURCE_LANGUAGE = "en"


class Message:
    """Text to be shown in the student's language: a template (a msgid) and its fields."""

    __slots__ = ("template", "plural", "count", "fields")

    def __init__(self, template: str, fields: dict, plural: str | None = None, count: int | None = None):
        self.template = template
        self.plural = plural
        self.count = count
        self.fields = fields

    def __str__(self) -> str:
        return ENGLISH.render(self)

    def __repr__(self) -> str:
        return f"Message({self.template!r}, {self.fields!r})"

    def __eq__(self, other) -> bool:
        return str(self) == str(other)

    def __hash__(self) -> int:
        return hash(str(self))


def _(template: str, /, **fields) -> Message:
    """A message to translate; `fields` fill its `{name}` placeholders."""
    return Message(template, fields)


def _n(singular: str, plural: str, number: int, /, **fields) -> Message:
    """A message whose wording depends on `number`."""
    return Message(singular, fields, plural, number)


def N_(text: str) -> str:
    """Mark a constant for extraction; it is translated where it is shown."""
    return text


class Translator:
    """Renders messages and msgids in one language."""

    def __init__(self, language: str, translations: gettext.NullTranslations):
        self.language = language
        self._translations = translations

    def text(self, msgid: str) -> str:
        """The translation of exactly `msgid`, or `msgid` itself."""
        return self._translations.gettext(msgid) if msgid else msgid

    def render(self, value) -> str:
        """A Message, a string (looked up as a msgid) or anything else, as text."""
        if isinstance(value, Message):
            fields = {name: self._field(field) for name, field in value.fields.items()}
            if value.plural is not None:
                template = self._translations.ngettext(value.template, value.plural, value.count)
                english = value.template if value.count == 1 else value.plural
            else:
                template, english = self.text(value.template), value.template
            try:
                return template.format(**fields)
            except (KeyError, IndexError, ValueError):  # a broken translation: fall back to English
                return english.format(**fields)
        if isinstance(value, str):
            return self.text(value)
        return str(value)

    def _field(self, value):
        return value if isinstance(value, (int, float)) and not isinstance(value, bool) else self.render(value)

    __call__ = render


ENGLISH = Translator(SOURCE_LANGUAGE, gettext.NullTranslations())


def available_locales() -> list[str]:
    return sorted(path.parent.parent.name for path in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def requested_language(option: str | None = None, environ=os.environ) -> str:
    """The locale asked for by `--lang` or else the environment (gettext's order), or "en"."""
    for value in (option, environ.get("LANGUAGE"), environ.get("LC_ALL"),
                  environ.get("LC_MESSAGES"), environ.get("LANG")):
        if value:
            return _matching_locale(value.split(":")[0])
    return SOURCE_LANGUAGE


def _matching_locale(value: str) -> str:
    """"zh", "zh_CN.UTF-8", "zh-Hans" -> "zh_CN" (the first catalogue of that language)."""
    language = re.split(r"[_.@-]", value.strip(), maxsplit=1)[0].lower()
    for locale in available_locales():
        if locale.split("_")[0].lower() == language:
            return locale
    return SOURCE_LANGUAGE


def translator(language: str | None = None) -> Translator:
    """The translator for `language` ("zh", "zh_CN", "en"...; None: from the environment)."""
    locale = requested_language(language)
    if locale == SOURCE_LANGUAGE:
        return ENGLISH
    from babel.messages.mofile import write_mo

    compiled = io.BytesIO()
    write_mo(compiled, read_catalog(locale))  # fuzzy entries are left out
    compiled.seek(0)
    return Translator(locale, gettext.GNUTranslations(compiled))


def catalog_path(locale: str) -> Path:
    return LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalog(locale: str):
    from babel.messages.pofile import read_po

    with catalog_path(locale).open("rb") as stream:
        return read_po(stream, locale=locale, domain=DOMAIN)
