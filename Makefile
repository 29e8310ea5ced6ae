# Two commands a newcomer needs: `make run` (the product with demo content) and `make test`.
# Both create .venv and install the pinned dependencies on first use.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
# localstripe, the fake Stripe server `make run` starts (STRIPE_API_BASE in config/settings/dev.py).
STRIPE_PORT ?= 8420
# The reference badge issuer `make run` starts (devtools/issuer_receiver.py); seed_demo points an
# issuer endpoint at it.
ISSUER_PORT ?= 8430
# Parallel test workers (pytest-xdist); "auto" uses every core.
JOBS ?= auto

.PHONY: run test lint format install install-test browsers lock migrate seed clean

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

# `make run` needs the development tools too (localstripe is one), which requirements/test.txt holds.
migrate: install-test
	$(MANAGE) migrate --noinput

# The address the site is served on: links in emails and issuer payloads (and the demo site's
# hostname and port on a new database).
BASE_URL = http://$(if $(filter 0.0.0.0 ::,$(HOST)),127.0.0.1,$(HOST)):$(PORT)

seed: migrate
	DEV_ISSUER_RECEIVER_URL=http://127.0.0.1:$(ISSUER_PORT)/webhooks WAGTAILADMIN_BASE_URL=$(BASE_URL) $(MANAGE) seed_demo

# devtools/run_stack.py starts every process, and on Ctrl-C stops them all and exits quietly.
run: seed
	@echo ""
	@echo "  Public site:  http://$(HOST):$(PORT)/"
	@echo "  Admin:        http://$(HOST):$(PORT)/admin/   (login printed above)"
	@echo "  Mailbox:      http://$(HOST):$(PORT)/dev/mailbox/   (the site's emails: sign-up confirmation links, receipts)"
	@echo "  Payments:     localstripe (fake Stripe) on http://127.0.0.1:$(STRIPE_PORT), logs to tmp/localstripe.log;"
	@echo "                pay with test card 4242 4242 4242 4242, any future expiry, any CVC."
	@echo "  Background worker (search index, issuer webhooks and other tasks) logs to tmp/worker.log;"
	@echo "                its safety net for lost deliveries (dispatch_deliveries) to tmp/dispatcher.log."
	@echo "  Scheduled publishing: publish_scheduled runs every 15 s, logs to tmp/publisher.log."
	@echo "  Badge issuer: a reference receiver on http://127.0.0.1:$(ISSUER_PORT)/ lists the signed webhooks it got"
	@echo "                and answers each with a credential link (logs to tmp/issuer.log)."
	@echo "  Ctrl-C stops the server, the worker, the dispatcher, the publisher, the issuer and localstripe."
	@echo ""
	@$(BIN)/python -m devtools.run_stack --host $(HOST) --port $(PORT) --stripe-port $(STRIPE_PORT) \
		--issuer-port $(ISSUER_PORT) --log-dir tmp

# Browser tests drive Debian's chromium; install it when missing (needs root and apt).
browsers:
	@bash scripts/ensure-chromium

test: install-test browsers
	$(BIN)/pytest -n $(JOBS) $(PYTEST_ARGS)

# Lint and format check with the project's settings ([tool.ruff] in pyproject.toml); CI runs it first.
lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Apply ruff's formatting and safe fixes.
format: install-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Regenerate the pinned requirement files from pyproject.toml's ranges.
lock: | $(BIN)/python
	bash scripts/lock-requirements

clean:
	rm -rf $(VENV) db.sqlite3 media staticfiles tmp
