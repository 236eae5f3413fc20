# Two-command quick start: `make demo` and `make test` each set up .venv (once) and run.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.unihmr-installed
TORCH_VERSION := 2.13.0

.PHONY: demo test benchmark setup clean

setup: $(STAMP)

$(PY):
	$(PYTHON) -m venv $(VENV)

# Torch first and pinned: the CPU wheel on disk. A bare `torch` would pull CUDA packages.
$(STAMP): setup.cfg pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check torch==$(TORCH_VERSION)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(PY) tools/demo.py configs/demo/recover_synthetic.py

test: $(STAMP)
	$(PY) -m pytest -q tests

benchmark: $(STAMP)
	$(PY) tools/benchmark.py

clean:
	rm -rf outputs work_dirs
