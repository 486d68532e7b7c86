# torchlings: `make grade` grades your exercises, `make test` tests the grader itself.
PYTHON3 ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SUBMISSION ?= exercises
TOPIC ?=
GRADE_ARGS ?=

.PHONY: grade test check stubs bench clean

grade: $(VENV)/.installed
	@$(PY) -m grader --submission $(SUBMISSION) $(foreach t,$(TOPIC),--topic $(t)) $(GRADE_ARGS)

test: $(VENV)/.installed
	$(PY) -m grader.stubs --check
	$(PY) -m pytest

# Every stub fails and every solution passes (part of `make test` too).
check: $(VENV)/.installed
	$(PY) -m pytest tests/suite/test_exercises.py

stubs: $(VENV)/.installed
	$(PY) -m grader.stubs

bench: $(VENV)/.installed
	$(PY) bench/grading_speed.py

# A class graded in parallel next to single runs, peak memory, a hanging student (BENCH_ARGS="--students 40").
.PHONY: bench-class
bench-class: $(VENV)/.installed
	$(PY) bench/class_speed.py $(BENCH_ARGS)

$(VENV)/.installed: requirements.txt
	$(PYTHON3) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

clean:
	rm -rf $(VENV)
