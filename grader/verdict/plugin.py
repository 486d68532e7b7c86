"""The pytest plugin that turns the checks under tests/topics into a grade.

Each check is a test function marked `@pytest.mark.exercise(symbol, points)` in
`tests/topics/test_<topic>.py` (`hidden=True`: left out of the student release). It asks the
`grade` fixture to run probes on the submission's topic file, in worker processes, and to
look up the reference's results for them in the recording (`grader.verdict.recording`), and judges
the plain data with `grader.checks.expect`. How each run ended is attached to its report.
"""

from __future__ import annotations

import copy
import shutil
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import torch

from grader.course import EXERCISES, SOLUTIONS, i18n

from grader.verdict import recording
from grader.checks import probing
from grader.checks.expect import CheckEnded, CheckFailed, ReferenceFailed, StudentFault
from grader.course.i18n import N_, _
from grader.workers.pool import (Fault, Limits, Place, TopicRunner, copy_submission, new_log_dir, stop_abandoned,
                                 printed, warm_up)
from grader.verdict.scoring import CheckOutcome

CHECK_FILE_PREFIX = "test_"


@dataclass(eq=False)
class Side:
    """One side of every comparison, the submission's or the reference's: a worker per topic
    file of `directory`, and every probe result they gave (a Fault included), by `_key`.

    The reference side is shared by the sessions that grade a whole class
    (`python -m grader --class`), so that each of its results is computed once. Its results
    come from `recordings` (by topic: a `Recording`, or the `NotRecorded` that says why
    there is none); only `live` probes start its workers. While recording, it runs every
    probe and keeps the results in `recorded_now`, by (topic, key). `asked` lists the probes
    run on this side, in the order the checks first asked for them: (topic, key, check name).

    On a `submission`'s side, each topic has two runners: one for the public checks' probes,
    whose workers are sent the check file without its hidden checks, and one for the hidden
    checks' probes (by `runner(topic, hidden)`); neither is sent its `reference_side` probes.

    `salts` holds, by topic, the secret its probes run under (`grader.checks.probing.secret`),
    shared by the two sides of a grading run; a reference side reads its `secret` (the course's,
    `recording.course_secret`) when it first salts a topic whose solution it has (`salt_topics`).
    """

    directory: Path
    limits: Limits
    log_dir: Path
    observer: Callable | None = None  # told where a probe that keeps us waiting runs: `TopicRunner`
    runners: dict[tuple, TopicRunner] = field(default_factory=dict)  # by (topic, hidden)
    values: dict = field(default_factory=dict)
    recordings: dict = field(default_factory=dict)
    recorded_now: dict = field(default_factory=dict)
    asked: list = field(default_factory=list)
    printed: dict = field(default_factory=dict)  # key (as values) -> what the code printed while the probe ran
    shown: Path | None = None  # the submission's own folder, where `directory` is its copy
    left_out: dict = field(default_factory=dict)  # what the copy left out (relative path -> why)
    salts: dict = field(default_factory=dict)
    submission: bool = False  # a submission's side: hidden probes run in workers of their own
    secret: int = 0  # drawn (`recording.course_secret`) when a topic is first salted

    @classmethod
    def of_submission(cls, directory: Path, limits: Limits, observer: Callable | None = None,
                      salts: dict | None = None) -> "Side":
        """The side of a student's folder, graded from a fresh copy of its regular source files
        (`grader.workers.submission`: no link followed, no bytecode), removed by `close`; its
        probes run under `salts` (the reference side's)."""
        copied = copy_submission(directory)
        return cls(copied.directory, limits, new_log_dir(), observer, shown=directory, left_out=copied.left_out,
                   salts=salts if salts is not None else {}, submission=True)

    def runner(self, topic: str, hidden: bool = False) -> TopicRunner:
        """The runner of `topic`'s public probes, or (`hidden`, on a submission's side) of its hidden ones."""
        hidden = hidden and self.submission
        if (topic, hidden) not in self.runners:
            left_out = (self.left_out.get(f"{topic}.py") or self.left_out.get(f"{topic}.ipynb")
                        or self.left_out.get("."))
            self.runners[topic, hidden] = TopicRunner(self.directory, topic, self.limits, self.log_dir, self.observer,
                                                      shown=self.shown, left_out=left_out,
                                                      salt=self.salts.get(topic, 0),
                                                      sent=("hidden" if hidden else "public") if self.submission
                                                      else "everything")
        return self.runners[topic, hidden]

    def salt_topics(self, topics: list[str], recording_now: bool) -> None:
        """Decide each topic's salt: this side's secret where its directory holds the topic's
        solution (the course's grader), none while recording or where only a recording is at hand."""
        for topic in topics:
            if topic not in self.salts:
                salted = not recording_now and (self.directory / f"{topic}.py").is_file()
                if salted and not self.secret:
                    self.secret = recording.course_secret()
                self.salts[topic] = self.secret if salted else 0

    def start_workers(self, topics: list[str], plans: dict[tuple, list[tuple]] | None = None) -> None:
        """Fork every topic's worker now, each sent at once the probes its checks will ask for
        (`plans`, by (topic, hidden), see `probe_plans`): every worker runs while the checks of
        the others are judged. A topic's hidden probes get their worker only if it has some."""
        plans = plans or {}
        for topic in topics:
            for hidden in (False, True):
                if hidden and not plans.get((topic, True)):
                    continue
                runner = self.runner(topic, hidden)
                runner.start()
                runner.send_ahead(plans.get((topic, hidden), ()))

    def close(self) -> None:
        for runner in self.runners.values():
            runner.kill()  # all at once: their exits overlap
        for runner in self.runners.values():
            runner.reap()
        shutil.rmtree(self.log_dir, ignore_errors=True)
        if self.shown is not None:  # the copy graded
            shutil.rmtree(self.directory, ignore_errors=True)


@dataclass(eq=False)
class Grading:
    """The state of one grading session, kept in `config.stash`: the submission being graded
    (`student`; None between the students of a `ClassSession`), the reference, and what
    the checks found."""

    student: Side | None
    reference: Side
    owns_reference: bool
    outcomes: list[CheckOutcome] = field(default_factory=list)
    reference_failures: int = 0
    topics: list[str] = field(default_factory=list)  # those whose checks were collected
    left_out: dict = field(default_factory=dict)  # what the submission's copy left out: relative path -> why
    plans: dict = field(default_factory=dict)  # the probes each topic's checks will ask: `probe_plans`

    def begin(self, directory: Path) -> None:
        """Grade `directory` next: its own workers, started now, and no outcomes yet."""
        self.end()
        self.student = Side.of_submission(directory, self.reference.limits, salts=self.reference.salts)
        self.left_out = dict(self.student.left_out)
        self.student.start_workers(self.topics, self.plans)
        self.outcomes, self.reference_failures = [], 0

    def end(self) -> None:
        """Stop the submission's workers and whatever they left behind."""
        if self.student is not None:
            self.student.close()
            self.student = None
            stop_abandoned()

    def close(self) -> None:
        self.end()
        if self.owns_reference:
            self.reference.close()


@dataclass(eq=False)
class ClassSession:
    """A plugin that makes one pytest session grade many submissions: the checks are
    collected once, then run once for each (name, directory) that `submissions` yields, each
    with workers of its own; `graded(name, grading)` is called after each. A class run
    (grader.commands.grade_class) saves a session and a collection of every check per student this way."""

    submissions: Iterable[tuple[str, Path]]
    graded: Callable[[str, Grading], None]

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session: pytest.Session):
        if session.testsfailed:
            return None  # checks that could not be collected: pytest's own loop stops the session
        grading = session.config.stash[grading_key]
        items = session.items
        for name, directory in self.submissions:
            grading.begin(directory)
            for index, item in enumerate(items):
                following = items[index + 1] if index + 1 < len(items) else None
                item.config.hook.pytest_runtest_protocol(item=item, nextitem=following)
                if session.shouldfail:
                    raise session.Failed(session.shouldfail)
                if session.shouldstop:
                    raise session.Interrupted(session.shouldstop)
            grading.end()
            self.graded(name, grading)
        return True


class Progress:
    """A plugin told how the grading of one submission goes, as it goes (the command that
    grades prints it): each topic's outcomes once its last check ran, and, while a probe keeps
    the grading waiting, where the submission's code runs (every `grader.workers.pool.GLANCE`
    seconds). Override what you need."""

    wants_waiting = False  # whether `waiting` is worth its cost: a look at the worker's stack every GLANCE s

    def collected(self, exercises: list[str]) -> None:
        """Every exercise the checks grade ("<topic>.<symbol>"), in order, before any check runs."""

    def topic_graded(self, topic: str, outcomes: list[CheckOutcome]) -> None:
        pass

    def waiting(self, topic: str, exercise: str, where: Place | None, seconds: float) -> None:
        """`exercise`: the "<topic>.<symbol>" of the check waiting; `where`: see `pool.Place`."""

    def check_done(self) -> None:
        """The check that was running has ended."""


def _progress(config: pytest.Config) -> list[Progress]:
    return [plugin for plugin in config.pluginmanager.get_plugins() if isinstance(plugin, Progress)]


grading_key = pytest.StashKey[Grading]()
# The language messages are written in, for this session.
translator_key = pytest.StashKey[i18n.Translator]()
grade_key = pytest.StashKey["Grade"]()  # a check's own `grade` fixture, for what its probes printed
# What the check running now is about (its "exercise"), for the `Progress` plugins.
running_key = pytest.StashKey[dict]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("torchlings", "grading a submission")
    group.addoption("--submission", default=None, help="directory holding the <topic>.py files to grade")
    group.addoption("--reference", default=None, help="directory of the reference solutions")
    group.addoption("--check-timeout", type=float, default=None, help="seconds one probe may run (ini: check_timeout)")
    group.addoption("--memory-limit", type=int, default=None, help="MiB a worker may allocate (ini: memory_limit)")
    group.addoption("--record-reference", action="store_true",
                    help="run every reference probe in workers (to record them): see grader.verdict.recording")
    group.addoption("--lang", default=None, help="the language of the messages (default: from LANGUAGE, LC_ALL, LANG)")
    parser.addini("check_timeout", "seconds one probe may run before it is stopped", default=str(Limits().timeout))
    parser.addini("memory_limit", "MiB of memory a worker may allocate; 0 for no limit", default=str(Limits().memory >> 20))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "exercise(symbol, points, hidden=False, needs=(), builds_on=()): the catalogue symbol of this check's "
        "topic that it grades, its points, whether only the course's autograder runs it (it is left out of the "
        "student release), the checks of the symbol's main behaviour one of which must pass for it to count, "
        "and the exercises it builds on (a failure of theirs in the same check excuses it)",
    )
    timeout = config.getoption("check_timeout") or float(config.getini("check_timeout"))
    memory = config.getoption("memory_limit")
    memory = int(config.getini("memory_limit")) if memory is None else memory
    limits = Limits(timeout=timeout, memory=memory << 20)
    plugins = config.pluginmanager.get_plugins()
    shared = [p for p in plugins if isinstance(p, Side)]
    one_submission = not any(isinstance(p, ClassSession) for p in plugins)
    reference = shared[0] if shared else Side(
        Path(config.getoption("reference") or SOLUTIONS).resolve(), limits, new_log_dir())
    config.stash[translator_key] = i18n.translator(config.getoption("lang"))
    if not only_collecting(config):  # an IDE collects on every save: no fork server for that
        warm_up()
    watchers = _progress(config)
    running: dict[str, str] = {}  # the exercise of the check running now ("exercise"), for `waiting`

    def observer(topic: str, where: Place | None, seconds: float) -> None:
        for watcher in watchers:
            watcher.waiting(topic, running.get("exercise", topic), where, seconds)

    config.stash[running_key] = running
    config.stash[grading_key] = Grading(
        student=Side.of_submission(Path(config.getoption("submission") or EXERCISES), limits,
                                   observer if any(watcher.wants_waiting for watcher in watchers) else None,
                                   salts=reference.salts)
        if one_submission else None,
        reference=reference,
        owns_reference=not shared,
    )
    if config.stash[grading_key].student is not None:
        config.stash[grading_key].left_out = dict(config.stash[grading_key].student.left_out)


def pytest_unconfigure(config: pytest.Config) -> None:
    grading = config.stash.get(grading_key, None)
    if grading is not None:
        grading.close()


def only_collecting(config: pytest.Config) -> bool:
    return bool(config.getoption("collectonly", False))


def topic_of(item: pytest.Item) -> str:
    return item.path.stem.removeprefix(CHECK_FILE_PREFIX)


def exercise_of(item: pytest.Item) -> tuple[str, float]:
    marker = item.get_closest_marker("exercise")
    if marker is None:
        raise pytest.UsageError(f"{item.nodeid} has no @pytest.mark.exercise(symbol, points) marker")
    symbol, points, *_ = _exercise_arguments(*marker.args, **marker.kwargs)
    return f"{topic_of(item)}.{symbol}", float(points)


def is_hidden(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("exercise")
    return bool(marker and _exercise_arguments(*marker.args, **marker.kwargs)[2])


def needs_of(item: pytest.Item) -> tuple[str, ...]:
    """The checks of the main behaviour that this check's points wait for (see grader.verdict.scoring)."""
    marker = item.get_closest_marker("exercise")
    needs = _exercise_arguments(*marker.args, **marker.kwargs)[3] if marker else ()
    return (needs,) if isinstance(needs, str) else tuple(needs)


def builds_on_of(item: pytest.Item) -> tuple[str, ...]:
    """The "<symbol>.<check>" of other exercises whose code this check runs too (see grader.verdict.scoring)."""
    marker = item.get_closest_marker("exercise")
    return tuple(_exercise_arguments(*marker.args, **marker.kwargs)[4]) if marker else ()


def _exercise_arguments(symbol: str, points: float, hidden: bool = False, needs: str | tuple[str, ...] = (),
                        builds_on: tuple[str, ...] = ()) -> tuple[str, float, bool, str | tuple[str, ...], tuple]:
    """The marker's signature: `exercise(symbol, points, hidden=False, needs=(), builds_on=())`."""
    return symbol, points, hidden, needs, builds_on


def _check_needs(item: pytest.Item) -> None:
    """Every check a check needs is a public check of the same exercise, in the same file."""
    exercise = exercise_of(item)[0]
    for name in needs_of(item):
        needed = getattr(item.module, CHECK_FILE_PREFIX + name, None)
        marker = next((m for m in getattr(needed, "pytestmark", []) if m.name == "exercise"), None)
        arguments = _exercise_arguments(*marker.args, **marker.kwargs) if marker else None
        if arguments is None or f"{topic_of(item)}.{arguments[0]}" != exercise:
            raise pytest.UsageError(f"{item.nodeid} needs {name!r}, which is not a check of {exercise} in its file")
        if arguments[2]:
            raise pytest.UsageError(f"{item.nodeid} needs {name!r}, a hidden check (the student release has none)")
    for name in builds_on_of(item):
        symbol, _dot, check = name.partition(".")
        needed = getattr(item.module, CHECK_FILE_PREFIX + check, None)
        marker = next((m for m in getattr(needed, "pytestmark", []) if m.name == "exercise"), None)
        if marker is None or _exercise_arguments(*marker.args, **marker.kwargs)[0] != symbol:
            raise pytest.UsageError(f"{item.nodeid} builds on {name!r}, which is not a check of {symbol} in its file")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "device" in metafunc.fixturenames:
        cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason=N_("CUDA is not available on this machine"))
        metafunc.parametrize("device", ["cpu", pytest.param("cuda", marks=cuda)])


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        exercise_of(item)  # every check must name its exercise
        _check_needs(item)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Load (or record) the reference's results while the fork server still imports, then
    fork every topic's worker, each with the probes its checks will ask for."""
    if only_collecting(session.config):
        return  # `--collect-only` (an IDE's test panel): no recording read, no worker started
    grading = session.config.stash[grading_key]
    check_files = {topic_of(item): item.path for item in session.items}
    grading.topics = list(check_files)
    recording_now = session.config.getoption("record_reference")
    grading.reference.salt_topics(grading.topics, recording_now)
    if recording_now:
        grading.reference.start_workers(grading.topics)
    else:
        missing = {topic: Path(path) for topic, path in check_files.items()
                   if topic not in grading.reference.recordings}
        if missing:
            loaded = recording.for_topics(missing, grading.reference.directory)
            grading.reference.recordings.update(loaded)
            say_other_torch(loaded, session.config.stash[translator_key])
        grading.plans = probe_plans(session.items, grading.reference.recordings)
        salted = [topic for topic in grading.topics if grading.reference.salts[topic]
                  and (topic, False) not in grading.reference.runners]  # a shared reference's are on their way
        grading.reference.start_workers(salted, reference_plans(session.items, grading.reference.recordings))
    if grading.student is not None:
        grading.student.start_workers(grading.topics, grading.plans)
    exercises = list(dict.fromkeys(exercise_of(item)[0] for item in session.items))
    for watcher in _progress(session.config):
        watcher.collected(exercises)


def say_other_torch(recordings: dict, tr: i18n.Translator) -> None:
    """Say once which recorded reference results come from another torch than this one (a student
    release's, recorded by the instructor): they are compared at tolerances, but only the torch
    they were recorded with is known to give them."""
    mine = torch.__version__.split("+")[0]
    other = {}
    for topic, found in recordings.items():
        theirs = getattr(found, "torch", None)
        if theirs and theirs.split("+")[0] != mine:
            other.setdefault(theirs.split("+")[0], []).append(topic)
    for version, topics in other.items():
        print(tr.render(_("grader: the reference results of {topics} were recorded with torch {theirs}, and this is "
                          "torch {mine}: they are compared at tolerances, but if a right answer fails, tell your "
                          "instructor which torch you use", topics=", ".join(topics), theirs=version, mine=mine)),
              file=sys.stderr)


def probe_plans(items: list[pytest.Item], recordings: dict) -> dict[tuple, list[tuple]]:
    """By (topic, hidden), the (probe, args) that these checks will ask of a submission, in the
    order they will ask for them: those the reference was asked for by the same checks when its
    results were recorded (a submission that fails a check early may not ask for them all).
    A probe that the recording names but these check files lack is left out."""
    plans: dict[tuple, list[tuple]] = {}
    for item in items:
        topic = topic_of(item)
        found = recordings.get(topic)
        if not isinstance(found, recording.Recording):
            continue
        for stem, name, args in found.calls.get(item.name, ()):
            probe = getattr(item.module, name, None)
            if callable(probe) and recording.key_of(probe, args) == (stem, name, args):
                plans.setdefault((topic, is_hidden(item)), []).append((probe, args))
    return plans


def reference_plans(items: list[pytest.Item], recordings: dict) -> dict[tuple, list[tuple]]:
    """By (topic, False), the (probe, args) whose results the recording holds, in the order they were
    recorded: what a reference run under a secret will be asked for (on the CPU)."""
    plans: dict[str, list[tuple]] = {}
    modules = {topic_of(item): item.module for item in items}
    for topic, module in modules.items():
        found = recordings.get(topic)
        if not isinstance(found, recording.Recording):
            continue
        for stem, name, args in found.values:
            probe = getattr(module, name, None)
            if callable(probe) and recording.key_of(probe, args) == (stem, name, args):
                plans.setdefault((topic, False), []).append((probe, args))
    return plans


class Grade:
    """The `grade` fixture: runs probes on the submission and on the reference.

    Probes are pure functions of their arguments, so each result (a fault included) is
    computed once: per session for the submission, per reference for the reference.
    Every caller gets its own copy. A hidden check's probes run in the submission's workers for
    hidden probes, and their results are kept apart from the public checks' (`_mine`).
    """

    def __init__(self, grading: Grading, topic: str, device: str | None = None, recording_now: bool = False,
                 check: str = "", hidden: bool = False):
        self._grading = grading
        self._hidden = hidden
        self.topic = topic
        self._check = check  # the name of the check asking
        self.printed: list[str] = []  # what the code printed in the probes this check read, in order
        self._device = device  # the run's device, where the check has one
        self._recording_now = recording_now

    def student(self, probe, *args):
        """The probe's result on the submission; a fault ends the check with its status."""
        key = self._mine(probe, args)
        if key not in self._grading.student.values:
            self._asked(probe, args)
            runner = self._grading.student.runner(self.topic, self._hidden)
            try:
                value = runner.run(probe, *args)
                self._grading.student.printed[key] = runner.printed_output(probe, args)
            except Fault as fault:
                value = fault
            self._grading.student.values[key] = value
        return self._student_value(key)

    def reference(self, probe, *args):
        """The probe's result on the reference solution: recorded, or run for a `live` probe, or,
        under a secret (the course's grader), run on the CPU in the reference's own worker."""
        if self._grading.reference.salts.get(self.topic) and not recording.is_live(probe):
            device = self._device
            if device and device != "cpu" and device in args:
                on_cpu = tuple("cpu" if arg == device else arg for arg in args)
                return recording.to_device(self.reference(probe, *on_cpu), device)
        elif not (self._recording_now or recording.is_live(probe)):
            return self._recorded(probe, args)
        key = _key(probe, args)
        if key not in self._grading.reference.values:
            try:
                value = self._grading.reference.runner(self.topic).run(probe, *args)
            except Fault as fault:
                raise ReferenceFailed(_(
                    "the reference solution failed this check ({error}); this is a fault of the "
                    "grader, not of your code: please tell your instructor", error=fault.message)) from None
            self._grading.reference.values[key] = value
            if self._recording_now and not recording.is_live(probe):
                self._grading.reference.recorded_now[self.topic, recording.key_of(probe, args)] = value
        return fresh_copy(self._grading.reference.values[key])

    def _recorded(self, probe, args: tuple):
        found = self._grading.reference.recordings.get(self.topic)
        try:
            if found is None or isinstance(found, Exception):
                raise found or recording.NotRecorded(f"no reference results were loaded for {self.topic}")
            return fresh_copy(found.get(recording.key_of(probe, args), self._device))
        except recording.NotRecorded as error:
            raise ReferenceFailed(_("{error}; this is a fault of the grader, not of your code: "
                                    "please tell your instructor", error=str(error))) from None

    def both(self, probe, *args):
        """(submission's result, reference's result), the two computed at the same time."""
        key = self._mine(probe, args)
        if key in self._grading.student.values:
            return self._student_value(key), self.reference(probe, *args)
        self._asked(probe, args)
        student = self._grading.student.runner(self.topic, self._hidden)
        try:
            student.submit(probe, args)
        except Fault as fault:
            self._grading.student.values[key] = fault
            raise StudentFault(fault) from None
        try:
            want = self.reference(probe, *args)
        finally:
            try:
                self._grading.student.values[key] = student.result(probe, args)
                self._grading.student.printed[key] = student.printed_output(probe, args)
            except Fault as fault:
                self._grading.student.values[key] = fault
        return self._student_value(key), want

    def _mine(self, probe, args: tuple) -> tuple:
        """The key of the submission's result for this probe, as a public or a hidden check asked it."""
        return self._hidden, *_key(probe, args)

    def _asked(self, probe, args: tuple) -> None:
        self._grading.student.asked.append((self.topic, recording.key_of(probe, args), self._check))

    def _student_value(self, key):
        value = self._grading.student.values[key]
        if isinstance(value, Fault):
            raise StudentFault(value)
        if (output := self._grading.student.printed.get(key)) and output not in self.printed:
            self.printed.append(output)
        return fresh_copy(value)


def fresh_copy(value):
    """A copy of a probe's result that a check may change at will: plain data (what replies and
    recordings hold) rebuilt, its tensors cloned, a tenth of what `copy.deepcopy` takes per
    tensor; anything else deep-copied."""
    kind = type(value)
    if kind is torch.Tensor and not value.requires_grad:
        return value.clone()
    if kind is list:
        return [fresh_copy(item) for item in value]
    if kind is tuple:
        return tuple(fresh_copy(item) for item in value)
    if kind is dict:
        return {key: fresh_copy(item) for key, item in value.items()}
    if kind in (str, int, float, bool, type(None)):
        return value
    return copy.deepcopy(value)


def _key(probe, args: tuple):
    """What identifies a probe's result: the probe and its (hashable) arguments."""
    key = (probe.__module__, probe.__name__, args)
    hash(key)  # probes take plain, hashable arguments
    return key


@pytest.fixture
def grade(request: pytest.FixtureRequest) -> Grade:
    callspec = getattr(request.node, "callspec", None)
    device = callspec.params.get("device") if callspec else None
    found = Grade(request.config.stash[grading_key], topic_of(request.node), device,
                  request.config.getoption("record_reference"), request.node.name, is_hidden(request.node))
    request.node.stash[grade_key] = found
    return found


@pytest.fixture
def device(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None):
    """Tell the `Progress` plugins which exercise runs, and each topic's outcomes once its last check ran."""
    watchers = _progress(item.config)
    if watchers:
        item.config.stash[running_key]["exercise"] = exercise_of(item)[0]
    result = yield
    if watchers:
        for watcher in watchers:
            watcher.check_done()
        topic = topic_of(item)
        if nextitem is None or topic_of(nextitem) != topic:
            outcomes = [o for o in item.config.stash[grading_key].outcomes if o.exercise.split(".", 1)[0] == topic]
            for watcher in watchers:
                watcher.topic_graded(topic, outcomes)
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    """Run the check under its topic's secret: the inputs it makes itself are its probes'."""
    with probing.secret(item.config.stash[grading_key].reference.salts.get(topic_of(item), 0)):
        return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    if report.when == "call" or (report.when == "setup" and not report.passed):
        status, message = _status(report, call, item.config.stash[translator_key])
        exercise, points = exercise_of(item)
        device = getattr(item, "callspec", None) and item.callspec.params.get("device")
        cause = getattr(call.excinfo.value, "cause", "") if call.excinfo is not None and call.excinfo.errisinstance(
            StudentFault) else ""
        needs = needs_of(item)
        diagnosed = getattr(call.excinfo.value, "hint", None) if call.excinfo is not None and call.excinfo.errisinstance(
            CheckFailed) else None
        unmet = _("not judged until {symbol} does its main task: one of {checks} must pass first",
                  symbol=exercise.partition(".")[2], checks=", ".join(needs))
        outcome = CheckOutcome(exercise, check_name(item), points, status, device, message, run_name(item),
                               hidden=is_hidden(item), cause=cause, needs=needs,
                               hint=item.config.stash[translator_key](diagnosed) if diagnosed else "",
                               printed=_printed(item) if status == "passed" else "",
                               unmet=item.config.stash[translator_key](unmet) if needs else "",
                               attempted=call.excinfo is not None and call.excinfo.errisinstance(CheckFailed)
                               and call.excinfo.value.attempted, builds_on=builds_on_of(item),
                               excuse=item.config.stash[translator_key](_(
                                   "not judged: it runs {symbols}, one of which fails this same check on its own "
                                   "(the points are lost there, once)",
                                   symbols=", ".join(dict.fromkeys(n.partition(".")[0] for n in builds_on_of(item)))))
                               if builds_on_of(item) else "")
        properties = [("exercise", exercise), ("points", points), ("status", status)]
        report.user_properties += properties
        item.user_properties += properties  # what junitxml writes, from the teardown report
        item.config.stash[grading_key].outcomes.append(outcome)
        if status in ("failed", "error", "timeout") and call.excinfo is not None and _is_ours(call.excinfo):
            report.longrepr = f"[{status}] {message}"
        if call.excinfo is not None and call.excinfo.errisinstance(ReferenceFailed):
            item.config.stash[grading_key].reference_failures += 1
    return report


def _printed(item: pytest.Item) -> str:
    """What the code printed in the probes a passing check read, whole and in order, as note lines."""
    found = item.stash.get(grade_key, None)
    output = "\n".join(text.strip("\n") for text in found.printed) if found is not None else ""
    return item.config.stash[translator_key](printed(output)) if output.strip() else ""


def _status(report: pytest.TestReport, call: pytest.CallInfo, tr: i18n.Translator) -> tuple[str, str]:
    if report.passed:
        return "passed", ""
    if report.skipped:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        return "skipped", tr(reason.removeprefix("Skipped: "))
    excinfo = call.excinfo
    if excinfo.errisinstance(StudentFault):
        return excinfo.value.status, tr(excinfo.value.message)
    if excinfo.errisinstance(CheckFailed):
        return "failed", tr(excinfo.value.message)
    if excinfo.errisinstance(ReferenceFailed):
        return "error", tr(excinfo.value.message)
    return "error", tr(_("the grader could not check this result ({error})", error=f"{excinfo.typename}: {excinfo.value}"))


def _is_ours(excinfo) -> bool:
    return excinfo.errisinstance(CheckEnded)


def check_name(item: pytest.Item) -> str:
    """The check's name: the test function's, shared by all its runs (devices and parameters)."""
    return getattr(item, "originalname", item.name).removeprefix(CHECK_FILE_PREFIX)


def run_name(item: pytest.Item) -> str:
    """What tells this run from the check's other runs, the device aside ("" for none)."""
    callspec = getattr(item, "callspec", None)
    if callspec is None:
        return ""
    return "-".join(part for part in callspec.id.split("-") if part != callspec.params.get("device"))
