"""torchlings' grader: grades a submission's topic files against the reference solutions."""
