"""The exercise guides: hint levels and d2l sections, from `tests/topics/guide_<topic>.toml`.

Each file holds one table per exercise symbol:

    [MyLinear]
    hints = ["level 1: the idea", "level 2: the API to look up", "level 3: close to code"]
    d2l = "custom-layer"        # a key of D2L_SECTIONS: the section the exercise comes from
    book = "the book does X; here Y, because ..."   # only where the book's code fails a check
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from grader.course import CHECKS
from grader.course.i18n import _

HINT_LEVELS = 3
D2L_SITES = {"en": "https://d2l.ai", "zh": "https://zh.d2l.ai"}
# A section's slug -> its page on d2l.ai and on zh.d2l.ai. The two editions share section
# slugs but not always chapters (chapter_builders-guide is chapter_deep-learning-computation
# in Chinese), and the Chinese edition covers initialization inside `parameters`.
D2L_SECTIONS: dict[str, dict[str, str]] = {
    "model-construction": {"en": "chapter_builders-guide/model-construction",
                           "zh": "chapter_deep-learning-computation/model-construction"},
    "parameters": {"en": "chapter_builders-guide/parameters", "zh": "chapter_deep-learning-computation/parameters"},
    "init-param": {"en": "chapter_builders-guide/init-param", "zh": "chapter_deep-learning-computation/parameters"},
    "custom-layer": {"en": "chapter_builders-guide/custom-layer", "zh": "chapter_deep-learning-computation/custom-layer"},
    "read-write": {"en": "chapter_builders-guide/read-write", "zh": "chapter_deep-learning-computation/read-write"},
    "use-gpu": {"en": "chapter_builders-guide/use-gpu", "zh": "chapter_deep-learning-computation/use-gpu"},
    "lenet": {"en": "chapter_convolutional-neural-networks/lenet", "zh": "chapter_convolutional-neural-networks/lenet"},
    "ndarray": {"en": "chapter_preliminaries/ndarray", "zh": "chapter_preliminaries/ndarray"},
    "autograd": {"en": "chapter_preliminaries/autograd", "zh": "chapter_preliminaries/autograd"},
    "sgd": {"en": "chapter_optimization/sgd", "zh": "chapter_optimization/sgd"},
    "momentum": {"en": "chapter_optimization/momentum", "zh": "chapter_optimization/momentum"},
    "adagrad": {"en": "chapter_optimization/adagrad", "zh": "chapter_optimization/adagrad"},
    "rmsprop": {"en": "chapter_optimization/rmsprop", "zh": "chapter_optimization/rmsprop"},
    "adadelta": {"en": "chapter_optimization/adadelta", "zh": "chapter_optimization/adadelta"},
    "adam": {"en": "chapter_optimization/adam", "zh": "chapter_optimization/adam"},
    "synthetic-regression-data": {"en": "chapter_linear-regression/synthetic-regression-data",
                                  "zh": "chapter_linear-networks/linear-regression-concise"},
    "linear-regression-concise": {"en": "chapter_linear-regression/linear-regression-concise",
                                  "zh": "chapter_linear-networks/linear-regression-concise"},
    "image-classification-dataset": {"en": "chapter_linear-classification/image-classification-dataset",
                                     "zh": "chapter_linear-networks/image-classification-dataset"},
    "softmax-regression-scratch": {"en": "chapter_linear-classification/softmax-regression-scratch",
                                   "zh": "chapter_linear-networks/softmax-regression-scratch"},
}


def d2l_links(slug: str) -> dict[str, str]:
    """Language -> the URL of the d2l section `slug`, for d2l.ai ("en") and zh.d2l.ai ("zh")."""
    return {language: f"{D2L_SITES[language]}/{path}.html" for language, path in D2L_SECTIONS[slug].items()}


def guide_path(topic: str, checks: Path = CHECKS) -> Path:
    return checks / f"guide_{topic}.toml"


def load_guide(topic: str, checks: Path = CHECKS) -> dict[str, dict]:
    """Symbol -> its table (`hints`, `d2l`, optional `book`) for one topic; {} without a guide file."""
    path = guide_path(topic, checks)
    return tomllib.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def guide_texts(entry: dict) -> list[str]:
    """The texts of one guide entry a student reads: its hint levels and its note on the book."""
    texts = [hint for hint in entry.get("hints", []) if isinstance(hint, str)]
    return texts + ([entry["book"]] if isinstance(entry.get("book"), str) else [])



@dataclass(frozen=True)
class Guide:
    """One exercise's hint levels (the idea, the API to look up, close to code) and its d2l section."""

    hints: tuple[str, ...]
    d2l: str | None = None
    book: str | None = None


def load_guides(checks: Path = CHECKS) -> dict[str, Guide]:
    """Every exercise's guide, by exercise id ("<topic>.<symbol>")."""
    guides = {}
    for path in sorted(checks.glob("guide_*.toml")):
        topic = path.stem.removeprefix("guide_")
        for symbol, entry in load_guide(topic, checks).items():
            if isinstance(entry, dict):
                guides[f"{topic}.{symbol}"] = Guide(
                    hints=tuple(guide_texts({"hints": entry.get("hints", [])})),
                    d2l=entry.get("d2l") if entry.get("d2l") in D2L_SECTIONS else None,
                    book=entry.get("book") if isinstance(entry.get("book"), str) else None,
                )
    return guides


def level_lines(exercise: Guide, level: int) -> list:
    """The messages for hint levels 1..`level`; the last level adds the note on the book and d2l."""
    count = len(exercise.hints)
    lines = [_("hint {level} of {count}: {text}", level=number, count=count, text=text)
             for number, text in enumerate(exercise.hints[:level], start=1)]
    if level >= count:
        if exercise.book:
            lines.append(_("the book: {text}", text=exercise.book))
        if exercise.d2l:
            links = d2l_links(exercise.d2l)
            lines.append(_("read in d2l:\n{en}\n{zh}", en=links["en"], zh=links["zh"]))
    return lines
