# ChatSphere developer commands. `make run` serves the product; `make test` runs the suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
NODE ?= node
PORT ?= 8000
HOST ?= 127.0.0.1

.PHONY: run test lint format widget worker beat bench eval audit lock install install-dev migrate clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt -r requirements-dev.txt
	touch $(VENV)/.runtime $@

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev

migrate: install
	$(BIN)/python manage.py migrate --noinput

# Settings default to production-safe values; `make run` opts in to what development needs.
run: export CHATSPHERE_SITE_URL ?= http://$(HOST):$(PORT)
run: export DJANGO_DEBUG ?= 1
run: export DJANGO_ALLOWED_HOSTS ?= 127.0.0.1,localhost,[::1]
run: export CHATSPHERE_ALLOW_PRIVATE_URLS ?= 1
run: export DJANGO_EMAIL_BACKEND ?= django.core.mail.backends.console.EmailBackend
run: migrate
	@echo "Development settings: DJANGO_DEBUG=$$DJANGO_DEBUG (debug pages), DJANGO_ALLOWED_HOSTS=$$DJANGO_ALLOWED_HOSTS,"
	@echo "  CHATSPHERE_ALLOW_PRIVATE_URLS=$$CHATSPHERE_ALLOW_PRIVATE_URLS (local web pages may be added),"
	@echo "  DJANGO_EMAIL_BACKEND=$$DJANGO_EMAIL_BACKEND (e-mails are printed here). Never use these in production."
	$(BIN)/python manage.py bootstrap_demo
	@echo "ChatSphere is starting on http://$(HOST):$(PORT)/ (Ctrl+C stops it)"
	$(BIN)/daphne -b $(HOST) -p $(PORT) chatsphere.asgi:application

worker: install
	@test -n "$$REDIS_URL" || { echo "Set REDIS_URL: without it, tasks run inside the web process and no worker is needed."; exit 1; }
	$(BIN)/celery -A chatsphere worker --loglevel=INFO --concurrency=$${CELERY_CONCURRENCY:-2} --without-gossip --without-mingle --without-heartbeat

beat: install
	@test -n "$$REDIS_URL" || { echo "Set REDIS_URL to run the scheduler."; exit 1; }
	$(BIN)/celery -A chatsphere beat --loglevel=INFO

# pytest-xdist workers for `make test` (`auto`: one per CPU; 0 runs the suite in one process).
TEST_WORKERS ?= auto

test: install-dev
	$(BIN)/pytest -n $(TEST_WORKERS) --durations=15

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python manage.py build_widget --check
	$(NODE) --test static/chatsphere/tests/*.test.mjs
	$(BIN)/bandit -c pyproject.toml -r . --quiet --severity-level medium
	DJANGO_DEBUG=0 DJANGO_SECRET_KEY=lint-only-$$(head -c 48 /dev/urandom | base64 | tr -dc A-Za-z0-9) \
		DJANGO_ALLOWED_HOSTS=chat.example.com DJANGO_EMAIL_HOST=smtp.example.com \
		$(BIN)/python manage.py check --deploy --fail-level WARNING

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# After editing static/chatsphere/src/: rebuild the scripts pages load (commit them) and run the
# modules' unit tests (Node.js's own test runner; no npm packages).
widget: install-dev
	$(BIN)/python manage.py build_widget
	$(NODE) --test static/chatsphere/tests/*.test.mjs

bench: install-dev
	@for script in benchmarks/bench_*.py; do name=$$(basename $$script .py); echo "== $$name"; $(BIN)/python -m benchmarks.$$name || exit 1; done

eval: install-dev
	$(BIN)/python -m evaluation

# Known vulnerabilities in the pinned dependencies (needs network access to the PyPI advisory database).
PIP_AUDIT_VERSION ?= 2.10.1
audit: install-dev
	$(BIN)/pip install --quiet pip-audit==$(PIP_AUDIT_VERSION)
	$(BIN)/pip-audit --strict --disable-pip --no-deps --requirement requirements.txt --requirement requirements-dev.txt

# Re-pin after editing requirements*.in (versions already pinned are kept; `LOCK_ARGS=--upgrade`
# moves everything to the newest release the .in files allow). Needs the package index.
PIP_TOOLS_VERSION ?= 7.6.2
LOCK_ARGS ?=
lock: $(BIN)/python
	$(BIN)/pip install --quiet pip-tools==$(PIP_TOOLS_VERSION)
	$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url \
		--no-emit-find-links $(LOCK_ARGS) --output-file requirements.txt requirements.in
	$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url \
		--no-emit-find-links $(LOCK_ARGS) --output-file requirements-dev.txt requirements-dev.in

clean:
	rm -rf $(VENV) var staticfiles test-artifacts
