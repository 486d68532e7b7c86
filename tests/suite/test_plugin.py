"""The pytest plugin, driven with pytester on a toy topic."""

import json
import xml.etree.ElementTree as ET

import pytest

from conftest import REPO

CHECKS = '''
import pytest
from grader.checks.expect import expect_close, expect_same_as_reference

def double(toy, device):
    import torch
    return toy.double(torch.arange(3.0, device=device))

@pytest.mark.exercise("double", points=2)
def test_double(grade, device):
    expect_same_as_reference(grade, double, device, what="double(x)", hint="multiply by 2")

def name(toy):
    return toy.NAME

@pytest.mark.exercise("NAME", points=1)
def test_name(grade):
    got, want = grade.both(name)
    expect_close(got, want, "NAME")
'''


@pytest.fixture(autouse=True)
def grader_importable(monkeypatch):
    """pytester's subprocesses run elsewhere: let them import the grader."""
    monkeypatch.setenv("PYTHONPATH", str(REPO))


@pytest.fixture
def toy(pytester):
    """A topic `toy` with its check file, a reference and a submission folder."""
    pytester.makepyfile(test_toy=CHECKS)
    for folder, source in (("reference", "def double(x):\n    return x * 2\nNAME = 'toy'\n"),
                           ("submission", "def double(x):\n    return x * 3\n")):
        (pytester.path / folder).mkdir()
        (pytester.path / folder / "toy.py").write_text(source)
    return pytester


def grade(pytester, *args):
    return pytester.runpytest_subprocess(
        "-p", "grader.verdict.plugin", "-p", "no:cacheprovider", "--submission", "submission",
        "--reference", "reference", "-rA", *args)


def test_the_exercise_marker_is_registered_with_its_signature(pytester):
    result = pytester.runpytest_subprocess("-p", "grader.verdict.plugin", "--markers")
    result.stdout.fnmatch_lines(["@pytest.mark.exercise(symbol, points, hidden=False, needs=(), builds_on=()):*"])


def test_a_check_without_an_exercise_marker_is_refused(pytester):
    pytester.makepyfile(test_toy="def test_unmarked(grade):\n    pass\n")
    result = pytester.runpytest_subprocess("-p", "grader.verdict.plugin")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*has no @pytest.mark.exercise(symbol, points) marker*"])


def test_outcomes_carry_status_and_message_and_cuda_skips_say_why(toy):
    result = grade(toy, "--junitxml=junit.xml", "-o", "junit_family=xunit1")
    result.assert_outcomes(failed=2, skipped=1)
    result.stdout.fnmatch_lines([
        "*double(x) differs from the reference*",
        "*hint: multiply by 2*",
        "*AttributeError: module 'toy' has no attribute 'NAME'*",
        "*CUDA is not available on this machine*",
    ])
    cases = ET.parse(toy.path / "junit.xml").getroot().iter("testcase")
    properties = {case.get("name"): {p.get("name"): p.get("value") for p in case.iter("property")} for case in cases}
    assert properties["test_double[cpu]"] == {"exercise": "toy.double", "points": "2.0", "status": "failed"}
    assert properties["test_name"]["status"] == "error"


def test_the_check_timeout_option_is_mirrored_in_ini(toy):
    (toy.path / "submission" / "toy.py").write_text("NAME = 'toy'\ndef double(x):\n    while True:\n        pass\n")
    toy.makeini("[pytest]\ncheck_timeout = 1\n")
    result = grade(toy)
    result.stdout.fnmatch_lines(["*timeout? it did not finish within 1 s*"])
    result.assert_outcomes(passed=1, failed=1, skipped=1)


CLASS_SESSION = """
import json, sys
from pathlib import Path

import pytest

from grader.verdict.plugin import ClassSession

graded, collections = {}, []


class CountCollections:
    def pytest_collection_finish(self, session):
        collections.append(len(session.items))


def outcomes(name, grading):
    graded[name] = sorted((outcome.name, outcome.status) for outcome in grading.outcomes)


if __name__ == "__main__":  # the workers' processes import this script again (multiprocessing's spawn idiom)
    submissions = [("wrong", Path("submission")), ("right", Path("right")), ("wrong again", Path("submission"))]
    pytest.main(["-p", "grader.verdict.plugin", "-p", "no:cacheprovider", "--reference", "reference", "test_toy.py"],
                plugins=[ClassSession(submissions, outcomes), CountCollections()])
    print("RESULT", json.dumps({"graded": graded, "collections": collections}))
"""


def test_one_session_grades_many_submissions_each_with_its_own_outcomes(toy):
    (toy.path / "right").mkdir()
    (toy.path / "right" / "toy.py").write_text((toy.path / "reference" / "toy.py").read_text())
    script = toy.makepyfile(run_class=CLASS_SESSION)
    result = toy.runpython(script)  # a process of its own: torch's operator registry outlives sys.modules
    found = json.loads(next(line for line in result.outlines if line.startswith("RESULT ")).removeprefix("RESULT "))
    graded = {name: [tuple(outcome) for outcome in outcomes] for name, outcomes in found["graded"].items()}
    assert found["collections"] == [3]  # the checks were collected once for the three
    assert graded["right"] == [("double", "passed"), ("double", "skipped"), ("name", "passed")]
    assert graded["wrong"] == graded["wrong again"] != graded["right"]
    assert ("double", "failed") in graded["wrong"]


AHEAD = '''
import pathlib, time
import pytest

def stamp(toy, label):
    import time
    return time.time()

@pytest.mark.exercise("first", points=1)
def test_first(grade):
    grade.student(stamp, "first")
    time.sleep(2)  # judging takes a while

@pytest.mark.exercise("second", points=1)
def test_second(grade):
    asked = time.time()
    pathlib.Path("ahead.txt").write_text(str(asked - grade.student(stamp, "second")))
'''


def test_a_check_s_probes_run_while_the_checks_before_it_are_judged(pytester):
    pytester.makepyfile(test_toy=AHEAD)
    for folder in ("reference", "submission"):
        (pytester.path / folder).mkdir()
        (pytester.path / folder / "toy.py").write_text("")
    grade(pytester).assert_outcomes(passed=2)
    assert float((pytester.path / "ahead.txt").read_text()) > 1  # it ran during test_first's 2 s


def test_probe_plans_follow_the_collected_checks_in_their_order():
    import types
    from pathlib import Path

    from grader.verdict import plugin

    from grader.verdict import recording
    module = types.ModuleType("test_toy")
    exec("def a(toy, x): pass\ndef b(toy): pass\nc = 3\n", module.__dict__)
    calls = [["test_one", "test_toy", "a", [1]], ["test_one", "test_toy", "gone", []], ["test_one", "test_toy", "c", []],
             ["test_two", "test_toy", "b", []], ["test_two", "test_other", "a", [2]], ["test_two", "test_toy", "a", [2]],
             ["test_deselected", "test_toy", "a", [9]]]
    found = recording.Recording({"topic": "toy", "entries": [], "calls": calls})
    items = [types.SimpleNamespace(path=Path("test_toy.py"), name=name, module=module,
                                   get_closest_marker=lambda name: None) for name in ("test_two", "test_one")]
    plans = plugin.probe_plans(items, {"toy": found, "other": recording.NotRecorded("none")})
    assert plans == {("toy", False): [(module.b, ()), (module.a, (2,)), (module.a, (1,))]}


def test_a_recording_keeps_the_probes_each_check_asked_for_in_order(tmp_path):
    import torch

    from grader.verdict import recording
    calls = [("test_one", ("test_toy", "f", ("cpu",))), ("test_one", ("test_toy", "g", ())),
             ("test_two", ("test_toy", "f", ("cpu",)))]
    recording.save(tmp_path / "toy.pt", "toy", None, {("test_toy", "f", ("cpu",)): torch.ones(1)}, calls)
    found = recording.Recording.load(tmp_path / "toy.pt")
    assert found.calls == {"test_one": [("test_toy", "f", ("cpu",)), ("test_toy", "g", ())],
                           "test_two": [("test_toy", "f", ("cpu",))]}


def test_each_caller_gets_a_copy_of_a_result_it_may_change_at_will():
    import collections

    import torch

    from grader.verdict.plugin import fresh_copy

    value = {"w": torch.ones(2), "pair": (torch.zeros(1), [1, "a", None, 2.5, True]),
             "ordered": collections.OrderedDict(b=torch.ones(1)), "grad": torch.ones(1, requires_grad=True)}
    copied = fresh_copy(value)
    copied["w"] += 1
    copied["pair"][0].add_(1)
    copied["pair"][1].append("more")
    copied["ordered"]["b"] += 1
    assert torch.equal(value["w"], torch.ones(2)) and torch.equal(value["pair"][0], torch.zeros(1))
    assert value["pair"][1] == [1, "a", None, 2.5, True] and torch.equal(value["ordered"]["b"], torch.ones(1))
    assert type(copied["pair"]) is tuple and type(copied["ordered"]) is collections.OrderedDict
    assert copied["grad"].requires_grad and copied["grad"].is_leaf and copied["grad"] is not value["grad"]


HIDDEN = '''
import pytest
from grader.checks.expect import expect
from grader.checks.probing import reference_side

def public_probe(toy):
    return toy.probe_names()

@reference_side
def twin(_toy):
    return twin_helper()

def twin_helper():
    return "the twin's answer"

@pytest.mark.exercise("probe_names", points=1)
def test_public(grade):
    names = grade.student(public_probe)
    expect(not {"test_secret", "secret_probe", "secret_helper", "twin", "twin_helper"} & set(names),
           f"the public worker holds {names}")
    expect(grade.reference(twin) == "the twin's answer", "the reference side runs the twin")

# Hidden checks

def secret_helper(toy):
    return toy.probe_names()

def secret_probe(toy):
    return secret_helper(toy)

@pytest.mark.exercise("probe_names", points=1, hidden=True)
def test_secret(grade):
    names = grade.student(secret_probe)
    expect("test_secret" in names and not {"twin", "twin_helper"} & set(names), f"the hidden worker holds {names}")
'''


def test_a_public_probe_s_worker_holds_no_hidden_check_and_no_reference_side_probe(pytester):
    """Hidden checks and what only they use are cut from the code a public probe's worker is sent;
    a hidden probe runs in a worker of its own, sent all of it but the reference-side probes,
    which no worker of the submission is sent."""
    pytester.makepyfile(test_toy=HIDDEN)
    source = ("import sys\n\ndef probe_names():\n    return sorted(name for module in list(sys.modules.values())\n"
              "                  if getattr(module, '__name__', '').startswith('_probes_') for name in vars(module))\n")
    for folder in ("reference", "submission"):
        (pytester.path / folder).mkdir()
        (pytester.path / folder / "toy.py").write_text(source)
    grade(pytester).assert_outcomes(passed=2)


def test_the_course_secret_is_drawn_once_and_kept_private(tmp_path):
    """Grading the same files twice sees the same inputs: a resumed class run, merged shards."""
    import multiprocessing
    import stat

    from grader.verdict.recording import course_secret

    path = tmp_path / ".cache" / "secret"
    with multiprocessing.get_context("fork").Pool(4) as processes:  # grading processes race to draw it
        drawn = set(processes.map(course_secret, [path] * 8))
    assert len(drawn) == 1 and drawn == {course_secret(path)}
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["secret"]  # no draft left behind
