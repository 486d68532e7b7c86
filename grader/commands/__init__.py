"""`python -m grader COMMAND`: `main` parses the command line and calls one command's `run`.

- `grade`: one submission; `grade_class`: `--class DIR` (or `class DIR`) and `merge`;
- `watch`: re-grade on every save; `hint`: the next hint level; `release`: what a course hands out;
- `pytest_plugin`: plain `pytest tests/topics/...` grades (loaded by `tests/topics/conftest.py`);
- `notebook`: the `%torchlings` magic, which grades a notebook from inside Jupyter or Colab.
"""
