"""Golden tests: every folder under tests/golden is a submission with the scores it must get.

A folder holds `case.json` and one or more `<topic>.py` or `<topic>.ipynb` files:

    {"description": "what the submission does",
     "base": "solutions",            # or "exercises", or null
     "expected": {"layers.MyLinear": 2.0}}

With a `base`, each `<topic>.py` of the case is appended to that directory's copy of the
topic file (so it only needs the symbols it redefines) and the topics named in
`extra_topics` are copied as they are; with `"base": null` the files are the submission
as they stand. A notebook, `<topic>.ipynb`, is copied as it stands, and no `<topic>.py` is
written for its topic unless the case has one too or names the topic in `extra_topics`.
Files named `_<name>` are copied in as `<name>` (a hostile conftest.py, say).
An optional `grader_args` list is passed on to the grader (a shorter timeout, say);
`folder` puts the topic files in that folder of the submission (a cloned student repository
keeps them in `exercises/`), with a README.md at its top;
`links` maps a file name of the submission (in `folder` if there is one) to a path of this
repository that it is made a symbolic link to (a module named like the student's own that is
the reference solution, say);
`zero_topics` lists topics every exercise of which must score 0, whatever exercises they have
(a topic file that does not import, say), without naming them;
`statuses` maps an exercise to the status every run of it that did not pass must have, and
`messages` maps an exercise to a piece of text its first such run's message must contain,
and `messages_without` to a piece of text (a wrong hint, say) that none of its messages may contain;
`hints` maps an exercise to a piece of text that the hint its first such run diagnosed (the JSON's
"hint", which `make hint` shows before the exercise's general levels) must contain;
`notes` lists pieces of text that the report's notes (which file was graded, notebook lines not run)
must contain;
`settle_seconds` waits that long after the grader exits before the report is read (for a
case that tries to overwrite the report afterwards); `"sandboxed": true` marks a hostile case
that only the sandbox holds back: it is not even run where workers are not fully confined. Every exercise of the graded topics must score what `expected` says, or,
when it is not listed, what the base scores (full marks for solutions, 0 otherwise).
"""

import json
import shutil
from pathlib import Path

import pytest

from conftest import REPO, run_grader

GOLDEN = REPO / "tests" / "golden"
CASES = sorted(path.name for path in GOLDEN.iterdir() if (path / "case.json").is_file())


def build_submission(case: Path, into: Path) -> list[str]:
    """Write the case's submission into `into`; return the topics it grades."""
    spec = json.loads((case / "case.json").read_text())
    base = spec.get("base")
    own_topics = [path.stem for path in case.glob("*.py") if not path.name.startswith("_")]
    notebooks = [path.stem for path in case.glob("*.ipynb") if not path.name.startswith("_")]
    topics = sorted(set(own_topics) | set(notebooks) | set(spec.get("extra_topics", [])))
    if spec.get("folder"):  # a whole student repository, its topic files in a folder of it
        (into / "README.md").write_text("a student's repository\n")
        into = into / spec["folder"]
        into.mkdir(parents=True)
    for topic in topics:
        if topic in notebooks:
            shutil.copy(case / f"{topic}.ipynb", into / f"{topic}.ipynb")
            if topic not in own_topics and topic not in spec.get("extra_topics", []):
                continue
        own = case / f"{topic}.py"
        text = (REPO / base / f"{topic}.py").read_text() if base else ""
        if own.is_file():
            text += ("\n\n# --- the golden case's changes ---\n" if base else "") + own.read_text()
        (into / f"{topic}.py").write_text(text)
    # Other files a case ships (conftest.py, pytest.ini...) are stored with a leading "_"
    # so that pytest never picks them up here.
    for extra in case.glob("_*"):
        shutil.copy(extra, into / extra.name.removeprefix("_"))
    for name, target in spec.get("links", {}).items():
        (into / name).symlink_to(REPO / target)
    return topics


@pytest.fixture(scope="session")
def golden_reports(request, tmp_path_factory) -> dict[str, dict]:
    """The report of every selected case, graded together: one `--class` run per set of grader_args."""
    selected = [item.callspec.params["name"] for item in request.session.items
                if getattr(item, "originalname", "") == "test_golden_case" and runnable(item.callspec.params["name"])]
    groups: dict[str, list[str]] = {}
    for name in selected:
        spec = json.loads((GOLDEN / name / "case.json").read_text())
        groups.setdefault(json.dumps(spec.get("grader_args", [])), []).append(name)
    reports = {}
    for grader_args, names in groups.items():
        class_dir = tmp_path_factory.mktemp("class")
        topics = {}
        for name in names:
            (class_dir / name).mkdir()
            topics[name] = build_submission(GOLDEN / name, class_dir / name)
        settle = max(json.loads((GOLDEN / n / "case.json").read_text()).get("settle_seconds", 0) for n in names)
        process, report = run_grader("--class", str(class_dir), *json.loads(grader_args), settle=settle)
        assert process.returncode == 0, process.stderr[-3000:]
        for submission in report["submissions"]:
            submission["exercises"] = [e for e in submission["exercises"]
                                       if e["id"].split(".")[0] in topics[submission["name"]]]
            reports[submission["name"]] = submission
    return reports


def runnable(name: str) -> bool:
    """Whether the case may run here: a "sandboxed" case only where workers are fully confined."""
    from grader.workers.pool import protection

    return not json.loads((GOLDEN / name / "case.json").read_text()).get("sandboxed") or protection().full


@pytest.mark.parametrize("name", CASES)
def test_golden_case(name, golden_reports):
    if not runnable(name):
        pytest.skip("a hostile case that only the sandbox holds back, and workers are not fully confined here")
    assert_golden(name, golden_reports[name])


def assert_golden(name: str, report: dict) -> None:
    """The case's report (one submission of a `--class` report) scores and says what case.json asks."""
    spec = json.loads((GOLDEN / name / "case.json").read_text())
    base_full = spec.get("base") == "solutions"
    scores = {e["id"]: e["score"] for e in report["exercises"]}
    expected = {e["id"]: (e["max_score"] if base_full else 0.0) for e in report["exercises"]}
    unknown = set(spec["expected"]) - set(expected)
    assert not unknown, f"case.json names exercises that were not graded: {sorted(unknown)}"
    zero_topics = set(spec.get("zero_topics", []))
    assert zero_topics <= {e.split(".")[0] for e in expected}, "zero_topics names topics that were not graded"
    expected.update({exercise: 0.0 for exercise in expected if exercise.split(".")[0] in zero_topics})
    expected.update(spec["expected"])
    wrong = {
        exercise: {"expected": expected[exercise], "got": scores[exercise],
                   "why": [c["message"] for c in e["checks"] if c["status"] != "passed"][:2]}
        for e in report["exercises"] for exercise in [e["id"]]
        if abs(scores[exercise] - expected[exercise]) > 1e-9
    }
    assert not wrong, json.dumps(wrong, indent=2)
    failing = {e["id"]: [c for c in e["checks"] if c["status"] not in ("passed", "skipped")] for e in report["exercises"]}
    for exercise, status in spec.get("statuses", {}).items():
        assert failing[exercise] and {c["status"] for c in failing[exercise]} == {status}, failing[exercise]
    for exercise, text in spec.get("messages", {}).items():
        assert text in failing[exercise][0]["message"], failing[exercise][0]["message"]
    notes = "\n".join(report.get("notes", []))
    for text in spec.get("notes", []):
        assert text in notes, notes
    for exercise, text in spec.get("hints", {}).items():
        assert text in failing[exercise][0].get("hint", ""), failing[exercise][0]
    for exercise, text in spec.get("messages_without", {}).items():
        assert all(text not in c["message"] for c in failing[exercise]), failing[exercise]
