"""What a grade is shown and kept as.

- `student`: one submission's table, JSON report and Gradescope results;
- `class_report`: a class's gradebook and summaries.

Imports the packages below it; runs no check and no student code.
"""
