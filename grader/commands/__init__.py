"""`python -m grader COMMAND`: `main` parses the command line and calls one command's `run`.

- `grade`: one submission (`--class DIR` or `class DIR`: `grade_class`, with `merge`);
- `watch`: re-grade on every save; `hint`: the next hint level; `release`: what a course hands out;
- `notebook`: the `%torchlings` magic, which grades a notebook from inside Jupyter or Colab.
"""
