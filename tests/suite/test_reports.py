"""The report writers: the JSON contract, Gradescope's results.json, the table, atomic writes."""

import json
import os
from pathlib import Path

import jsonschema
import pytest

from grader import reports
from grader.scoring import CheckOutcome, score

SCHEMAS = Path(__file__).parent / "schemas"

OUTCOMES = [
    CheckOutcome("layers.MyLinear", "parameters", 1, "passed"),
    CheckOutcome("layers.MyLinear", "output", 2, "failed", "cpu", "MyLinear(5, 3)(X) differs\n  hint: relu"),
    CheckOutcome("layers.MyLinear", "output", 2, "skipped", "cuda", "CUDA is not available on this machine"),
    CheckOutcome("blocks.MLP", "parameters", 0.5, "timeout", None, "it did not finish within 10 s"),
]


def schema(name):
    return json.loads((SCHEMAS / name).read_text())


def test_the_json_report_keeps_its_contract():
    data = reports.to_json(score(OUTCOMES), reports.environment())
    jsonschema.validate(data, schema("report.json"))
    assert (data["score"], data["max_score"]) == (1, 3.5)
    cuda = data["exercises"][0]["checks"][2]
    assert (cuda["device"], cuda["status"], cuda["message"]) == ("cuda", "skipped", "CUDA is not available on this machine")


def test_the_gradescope_file_has_the_documented_shape():
    data = reports.to_gradescope(score(OUTCOMES), execution_time=1.5)
    jsonschema.validate(data, schema("gradescope_results.json"))
    tests = {t["name"]: t for t in data["tests"]}
    assert tests["layers.MyLinear"]["score"] == 1 and tests["layers.MyLinear"]["max_score"] == 3
    assert tests["layers.MyLinear"]["status"] == "failed"
    assert "hint: relu" in tests["layers.MyLinear"]["output"]
    assert data["score"] == 1


def test_the_gradescope_schema_rejects_what_gradescope_would():
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"tests": [{"status": "partial"}]}, schema("gradescope_results.json"))


def test_the_table_shows_each_topic_each_exercise_why_and_the_total():
    text = reports.table(score(OUTCOMES), "title")
    assert "layers  1 / 3" in text and "blocks  0 / 0.5" in text
    assert "why: MyLinear(5, 3)(X) differs" in text
    assert "why: it did not finish within 10 s" in text
    assert text.rstrip().endswith("Total  1 / 3.5")


def test_an_atomic_write_replaces_the_file_and_leaves_nothing_behind(tmp_path):
    target = tmp_path / "out" / "report.json"
    reports.write_atomically(target, "old")
    reports.write_atomically(target, "new")
    assert target.read_text() == "new"
    assert sorted(p.name for p in target.parent.iterdir()) == ["report.json"]


def test_a_failed_write_leaves_the_previous_file_intact(tmp_path, monkeypatch):
    target = tmp_path / "report.json"
    target.write_text("previous")

    def broken_replace(*args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        reports.write_atomically(target, "new")
    assert target.read_text() == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]
