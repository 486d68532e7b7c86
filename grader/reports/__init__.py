"""What a grade is shown and kept as.

- `student`: one submission's table, JSON report and Gradescope results;
- `live`: the table printed as grading goes, and the line saying what is running now;
- `class_report`: a class's gradebooks (Canvas, Moodle) and summaries, and who needs attention;
- `roster`: the course roster (`--roster CSV`): a submission folder's SIS login, name and section.

Imports the packages below it; runs no check and no student code.
"""
