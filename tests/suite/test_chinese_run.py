"""A whole grade in Chinese, of realistic mistakes in every topic: no English left in it.

The submission is the reference with the mistakes of the golden cases (tests/golden) that start
from it appended, topic by topic: one run meets most of the checks' messages. Every line of the
table and of the JSON report's messages that holds Chinese is read for English words outside
code: an identifier of the course's code or of torch (`forward`, `float`, `weights_only`), a
`code span`, a quoted value, a path, a dotted name or a call is code; "the net's forward",
"python float" or "nothing" in a Chinese sentence is not. What PyTorch itself says after
`SomeError:` stays English (it is not ours to translate). Chinese uses full-width colons.
"""

import builtins
import io
import json
import keyword
import re
import tokenize

import pytest
import torch

from conftest import REPO, run_grader

CHINESE = re.compile(r"[\u4e00-\u9fff]")
# Keywords read as code in a Chinese sentence ("在 try: 中运行"); `and`, `not`, `in`... are English.
CODE_KEYWORDS = {"try", "finally", "raise", "except", "def", "class", "lambda", "return", "yield", "del", "None", "True",
                 "False", "nonlocal", "assert", "elif", "import", "async", "await", "break", "continue", "global", "pass"}
# Names Chinese text keeps as they are.
TERMS = {"CUDA", "PyTorch", "NumPy", "Python", "d2l", "ReLU", "SGD", "Adam", "Xavier", "MiB", "GiB", "JSON", "Landlock",
         "seccomp", "RMSprop", "Adagrad", "Adadelta", "LeNet", "MNIST", "BatchNorm", "Kolmogorov", "Smirnov", "pickle",
         "torchlings", "make", "hint", "grade", "torchvision"}
CODE = re.compile(r"`[^`]*`|'[^']*'|\"[^\"]*\"|https?://\S+|\S*/\S*|\b\w+=\S+|\b\w+(?:\.\w+)+(?:\(\))?|\w+\([^()]*\)"
                  r"|\w+\[[^\]]*\]|\+\w+|\b\w*(?:Error|Exception|Warning)\b(?::(?: .*)?$)?")
WORD = re.compile(r"_*[A-Za-z][A-Za-z_0-9]*(?:'s)?")
HALF_WIDTH_COLON = re.compile(r"[\u4e00-\u9fff）]: ")


def code_names() -> set[str]:
    """Every identifier of the reference, the checks and torch: what a Chinese sentence may name."""
    names = set(CODE_KEYWORDS) | set(dir(torch)) | set(dir(torch.nn)) | set(dir(torch.Tensor)) | set(dir(builtins))
    for folder in ("solutions", "tests/topics", "grader/checks"):
        for path in (REPO / folder).glob("*.py"):
            names.add(path.stem.removeprefix("test_"))
            for token in tokenize.generate_tokens(io.StringIO(path.read_text()).readline):
                if token.type == tokenize.NAME and not keyword.iskeyword(token.string):
                    names.add(token.string)
    return names


def english_left(text: str, names: set[str]) -> list[tuple[str, str]]:
    """(the English word or a half-width colon, its line) in every line of `text` that holds Chinese."""
    found = []
    for line in text.splitlines():
        if not CHINESE.search(line):
            continue  # a value, code, a path: nothing to translate
        if HALF_WIDTH_COLON.search(line):
            found.append((": ", line))
        if line.count("'") % 2:  # a quoted value wrapped onto the next line: its end is code
            line = line[:line.rfind("'")]
        for word in WORD.findall(CODE.sub(" ", line)):
            if word.endswith("'s") or not (word in names or word in TERMS or "_" in word or word.isupper()
                                           or len(word) < 2):
                found.append((word, line))
    return found


def test_the_detector_finds_english_outside_code_and_leaves_code_alone():
    names = {"forward", "float", "weights_only"}
    assert english_left("CenteredLayer's forward 改动了它的输入", names)
    assert english_left("loss.item() 给出一个 python float", names)
    assert english_left("应为 'IndexError'，实际为 nothing", names)
    assert english_left("位置：blocks.py:3，在 forward 中: X = 1", names)
    assert not english_left("在 forward 中调用 `net.train()`，weights_only=True 与 x.grad：应为 'a b c'", names)
    assert not english_left("失败：RuntimeError: Attempting to deserialize object on a CUDA device", names)


@pytest.fixture(scope="module")
def chinese_run(tmp_path_factory):
    submission = tmp_path_factory.mktemp("mistakes")
    for path in (REPO / "solutions").glob("*.py"):
        (submission / path.name).write_text(path.read_text())
    for case in sorted(path for path in (REPO / "tests" / "golden").iterdir() if (path / "case.json").is_file()):
        spec = json.loads((case / "case.json").read_text())
        files = [path for path in case.iterdir() if path.name != "case.json"]
        if (spec.get("base") != "solutions" or spec.get("grader_args") or spec.get("sandboxed") or spec.get("zero_topics")
                or spec.get("extra_topics") or not files or any(p.suffix != ".py" or p.name.startswith("_") for p in files)):
            continue  # a hostile case, one that needs more than its own code, or one that breaks the whole file
        for path in files:
            with open(submission / path.name, "a", encoding="utf-8") as stream:
                stream.write(f"\n\n# {case.name}\n{path.read_text()}")
    submission.chmod(0o755)
    process, report = run_grader("--submission", str(submission), "--lang", "zh", "--all", "--timeout", "30")
    assert process.returncode == 0 and report is not None, process.stderr[-3000:]
    return process.stdout, report


def test_a_chinese_run_leaves_no_english_word_outside_code(chinese_run):
    table, report = chinese_run
    messages = [check["message"] for exercise in report["exercises"] for check in exercise["checks"] if check["message"]]
    assert sum(map(bool, map(CHINESE.search, messages))) > 20  # the run met many messages, in Chinese
    found = sorted(set(english_left("\n".join([table, *messages]), code_names())))
    assert not found, "\n".join(f"{word!r} in: {line}" for word, line in found)
