# Two commands a newcomer needs: `make run` (the product with demo content) and `make test`.
# Both create .venv and install the pinned dependencies on first use.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
# Parallel test workers (pytest-xdist); "auto" uses every core.
JOBS ?= auto

.PHONY: run test install install-test browsers lock migrate seed clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed-run: requirements/base.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements/base.txt
	touch $@

$(VENV)/.installed-test: requirements/test.txt requirements/base.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements/test.txt
	touch $@ $(VENV)/.installed-run

install: $(VENV)/.installed-run
install-test: $(VENV)/.installed-test

migrate: install
	$(MANAGE) migrate --noinput

seed: migrate
	$(MANAGE) seed_demo

run: seed
	@echo ""
	@echo "  Public site:  http://$(HOST):$(PORT)/"
	@echo "  Admin:        http://$(HOST):$(PORT)/admin/   (login printed above)"
	@echo "  Background worker (search index and other tasks) logs to tmp/worker.log."
	@echo "  Ctrl-C stops the server and the worker."
	@echo ""
	@mkdir -p tmp
	@trap 'kill 0' INT TERM EXIT; \
		$(MANAGE) db_worker --queue-name '*' > tmp/worker.log 2>&1 & \
		$(MANAGE) runserver $(HOST):$(PORT)

# Browser tests drive Debian's chromium; install it when missing (needs root and apt).
browsers:
	@bash scripts/ensure-chromium

test: install-test browsers
	$(BIN)/pytest -n $(JOBS) $(PYTEST_ARGS)

# Regenerate the pinned requirement files from pyproject.toml's ranges.
lock: | $(BIN)/python
	bash scripts/lock-requirements

clean:
	rm -rf $(VENV) db.sqlite3 media staticfiles tmp
