#!/usr/bin/env bash
# Gradescope runs this once when it builds the autograder image.
set -eu
cd /autograder/source
make .venv/.installed
