"""The bottom layer: facts about the course and the words a student reads.

- this module: where the course's parts live (`REPO`, `CHECKS`, `SOLUTIONS`, `EXERCISES`),
  the topics in learning order, and the course's total when an instructor pins it (`PINNED_TOTAL`);
- `i18n`: messages in the student's language (`_`, `N_`, `Translator`; catalogues in `locale/`);
- `hints`: one-line hints for the PyTorch errors beginners meet most often;
- `guides`: each exercise's hint levels and d2l section (`tests/topics/guide_<topic>.toml`);
- `text`: `printable`, what makes text from a worker (or a file name) safe to print;
- `solutions`: the marked blocks of a reference solution, the single source of stubs;
- `notebooks`: a `<topic>.ipynb` submission read as the topic file (code cells, magics commented out);
- `topic_folders`: where a submission keeps its topic files (its top, `exercises/`, or below);
- `support`: the Python and torch versions the grader supports, said in one sentence when outside them.

Imports nothing of the grader's: every other package may import it.
"""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CHECKS = REPO / "tests" / "topics"
SOLUTIONS = REPO / "solutions"
EXERCISES = REPO / "exercises"
# The course's total points: None means the sum of the checks' points (each check's
# `@pytest.mark.exercise(symbol, points)`), whatever they add up to. A number pins it: `make
# test` (and `python -m grader.authoring.guide`) then say so when the checks add up to anything else.
PINNED_TOTAL: float | None = None
# The order topics are taught and shown in; a topic missing here comes after these.
LEARNING_ORDER = (
    "blocks", "parameters", "initialization", "tying", "layers",
    "checkpoints", "autograd", "optimizers", "data", "training",
)


def available_topics() -> list[str]:
    """Every topic with a check file, in learning order."""
    found = {path.stem.removeprefix("test_") for path in CHECKS.glob("test_*.py")}
    known = [topic for topic in LEARNING_ORDER if topic in found]
    return known + sorted(found - set(known))
