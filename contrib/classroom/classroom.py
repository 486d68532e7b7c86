"""Turn the grader's --json report into GitHub Classroom's autograding result and a step summary.

    python .github/classroom.py grade.json

Writes `result=<base64 JSON>` to $GITHUB_OUTPUT, in the format of the classroom-resources
autograding runners (read by classroom-resources/autograding-grading-reporter, which shows
"Points X/Y"): one test per exercise. Appends a Markdown table to $GITHUB_STEP_SUMMARY.
Without those variables, prints both.
"""

import base64
import json
import os
import sys


def classroom_result(report: dict) -> dict:
    """The runner result: {"version", "status", "max_score", "tests": [one per exercise]}."""
    tests = []
    for exercise in report.get("exercises", []):
        full = exercise["score"] >= exercise["max_score"]
        reason = next((c["message"] for c in exercise["checks"] if c["status"] not in ("passed", "skipped")), "")
        tests.append({"name": exercise["id"], "status": "pass" if full else "fail", "score": exercise["score"],
                      "message": reason, "line_no": 0, "execution_time": "0s", "test_code": ""})
    complete = report.get("complete", True)
    status = "error" if not complete else ("pass" if all(t["status"] == "pass" for t in tests) else "fail")
    return {"version": 1, "status": status, "max_score": report.get("max_score", 0), "tests": tests}


def summary(report: dict) -> str:
    """A Markdown table of the grade, for the run's summary page."""
    lines = [f"### torchlings: {report.get('score', 0):g} / {report.get('max_score', 0):g} points", "",
             "| exercise | points | why not full |", "| --- | --- | --- |"]
    for exercise in report.get("exercises", []):
        reason = next((c["message"] for c in exercise["checks"] if c["status"] not in ("passed", "skipped")), "")
        reason = reason.splitlines()[0] if reason else ""
        reason = reason.replace("|", "\\|")
        lines.append(f"| `{exercise['id']}` | {exercise['score']:g} / {exercise['max_score']:g} | {reason} |")
    if not report.get("complete", True):
        lines += ["", "**The grader itself failed: this grade is incomplete.**"]
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    try:
        with open(argv[0], encoding="utf-8") as stream:
            report = json.load(stream)
    except (IndexError, OSError, ValueError) as error:
        report = {"score": 0, "max_score": 0, "exercises": [], "complete": False}
        print(f"classroom: no grade to report ({error})", file=sys.stderr)
    encoded = base64.b64encode(json.dumps(classroom_result(report)).encode()).decode()
    for variable, text in (("GITHUB_OUTPUT", f"result={encoded}\n"), ("GITHUB_STEP_SUMMARY", summary(report))):
        if os.environ.get(variable):
            with open(os.environ[variable], "a", encoding="utf-8") as stream:
                stream.write(text)
        else:
            print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
