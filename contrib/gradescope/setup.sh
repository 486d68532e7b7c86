#!/usr/bin/env bash
# Gradescope runs this once when it builds the autograder image (from the zip `make release` writes).
set -eu
if ! command -v make >/dev/null || ! python3 -c "import venv, ensurepip" 2>/dev/null; then
    apt-get update && apt-get install -y make python3-venv
fi
cd /autograder/source
make .venv/.installed
