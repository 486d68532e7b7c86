# torchlings: `make grade` grades your exercises, `make test` tests the grader itself.
PYTHON3 ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SUBMISSION ?= exercises
TOPIC ?=
GRADE_ARGS ?=
# TORCH_INDEX=cpu installs the CPU build of torch (no CUDA wheels: a fraction of the download)
# from PyTorch's own index; another value is the URL of an index that has torch. pip's own
# PIP_INDEX_URL points it at a mirror of PyPI for everything. Either applies when .venv is made
# (`make clean` first to change it).
TORCH_INDEX ?=
TORCH_INDEX_URL = $(if $(filter cpu,$(TORCH_INDEX)),https://download.pytorch.org/whl/cpu,$(TORCH_INDEX))
PIP_INSTALL := $(PY) -m pip install --quiet --disable-pip-version-check $(if $(TORCH_INDEX_URL),--extra-index-url $(TORCH_INDEX_URL))

.PHONY: grade test check stubs bench release clean hint

grade: $(VENV)/.installed
	@$(PY) -m grader --submission $(SUBMISSION) $(foreach t,$(TOPIC),--topic $(t)) $(GRADE_ARGS)

# Grade once, then re-grade the topic of each saved file until Ctrl-C.
.PHONY: watch
watch: $(VENV)/.installed
	@$(PY) -m grader watch --submission $(SUBMISSION) $(foreach t,$(TOPIC),--topic $(t))

# `make test TOPIC=layers` (or TOPIC="layers blocks"): one topic end to end, in about a minute:
# its solution earns full marks and its stub none, its golden cases, its guide, its stub and the
# catalogues; `make test` runs everything.
TEST_FILES := tests/suite/test_exercises.py tests/suite/test_golden.py tests/suite/test_guide.py \
	tests/suite/test_stubs.py tests/suite/test_i18n.py
test: $(VENV)/.installed
	$(PY) -m grader.authoring.stubs --check
	$(PY) -m grader.authoring.notebook_stubs --check
	$(PY) -m grader.authoring.guide --check
	$(if $(strip $(TOPIC)),TORCHLINGS_TEST_TOPICS="$(TOPIC)" $(PY) -m pytest $(TEST_FILES) \
		-k "test_exercises or every_message_has_a_translation or $(subst $(eval) , or ,$(strip $(TOPIC)))",$(PY) -m pytest)

# The next hint level of the first unfinished exercise (or EXERCISE=MyLinear's).
EXERCISE ?=
hint: $(VENV)/.installed
	@$(PY) -m grader hint $(EXERCISE)

# Every stub fails and every solution passes (part of `make test` too).
check: $(VENV)/.installed
	$(PY) -m pytest tests/suite/test_exercises.py

# exercises/ and notebooks/ from solutions/, and docs/EXERCISES.md from them, the checks and the guides.
stubs: $(VENV)/.installed
	$(PY) -m grader.authoring.stubs
	$(PY) -m grader.authoring.notebook_stubs
	$(PY) -m grader.authoring.guide

bench: $(VENV)/.installed
	$(PY) bench/grading_speed.py

# What a course hands out: OUT/student/ (no solutions, no hidden checks) and OUT/autograder/.
OUT ?= release
release: $(VENV)/.installed
	$(PY) -m grader release $(OUT)

# A class graded in parallel next to single runs, peak memory, a hanging student (BENCH_ARGS="--students 40").
.PHONY: bench-class
bench-class: $(VENV)/.installed
	$(PY) bench/class_speed.py $(BENCH_ARGS)

$(VENV)/.installed: requirements.txt
	$(PYTHON3) -m venv $(VENV)
	$(PIP_INSTALL) -r requirements.txt
	touch $@

clean:
	rm -rf $(VENV)
