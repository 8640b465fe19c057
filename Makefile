# guardpost: `make demo` opens the booth on a demo compound; `make test` runs the whole suite.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip --disable-pip-version-check -q

# pyscard (the PC/SC extra) compiles on Linux: it needs a C compiler, Python headers and winscard.h.
PCSC_OK := $(shell [ -f /usr/include/PCSC/winscard.h ] && command -v cc >/dev/null 2>&1 && \
	$(PYTHON) -c "import sysconfig,os,sys; sys.exit(0 if os.path.exists(os.path.join(sysconfig.get_paths()['include'],'Python.h')) else 1)" 2>/dev/null && echo yes)
EXTRAS_RUN := $(if $(PCSC_OK),[pcsc],)
comma := ,
EXTRAS_DEV := $(if $(PCSC_OK),[dev$(comma)pcsc],[dev])

.PHONY: demo test lint bench clean venv

$(VENV)/bin/python:
	@$(PYTHON) -c "import venv, ensurepip" 2>/dev/null || { \
		echo "python3 cannot create virtual environments here: install it with 'sudo apt-get install python3-venv' and run make again."; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-run: pyproject.toml | $(VENV)/bin/python
	@[ -n "$(PCSC_OK)" ] || echo "note: PC/SC card readers need 'sudo apt-get install gcc python3-dev libpcsclite-dev pcscd' (the demo's simulated reader works without)."
	$(PIP) install -e ".$(EXTRAS_RUN)"
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(VENV)/bin/python
	@[ -n "$(PCSC_OK)" ] || echo "note: PC/SC tests will skip: install 'gcc python3-dev libpcsclite-dev pcscd vsmartcard-vpcd' to run them."
	$(PIP) install -e ".$(EXTRAS_DEV)"
	@touch $@ $(VENV)/.installed-run

demo: $(VENV)/.installed-run
	$(VENV)/bin/guardpost demo

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check guardpost screens data tests benchmarks
	$(VENV)/bin/ruff format --check guardpost screens data tests benchmarks
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

test: lint
	$(PY) -m pytest -q

bench: $(VENV)/.installed-run
	$(PY) benchmarks/run_all.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis bench-out
