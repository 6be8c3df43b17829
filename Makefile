# Htrae backend. `make run` installs and serves the world; `make test` runs the tests.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: run up test test-slow test-faults test-browser lint install install-dev lock clean

$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(VENV)/bin/activate
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(VENV)/bin/activate
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## run: install, migrate, seed an empty world, serve it on http://127.0.0.1:$(PORT)
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_world --if-empty
	$(PY) manage.py serve --port $(PORT)

## up: served mode: web + Celery worker + Celery Beat on DATABASE_URL and REDIS_URL
up: install
	@test -n "$$DATABASE_URL" -a -n "$$REDIS_URL" || { echo "make up needs DATABASE_URL and REDIS_URL (see README)"; exit 2; }
	@test -n "$$SECRET_KEY" || { echo "make up needs SECRET_KEY (see README)"; exit 2; }
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) manage.py seed_world --if-empty
	$(PY) manage.py sync_tick_schedule
	@# honcho gives each process PORT + 100 x its index: HTTP_PORT is set here for `http`.
	PORT=$(PORT) HTTP_PORT=$${HTTP_PORT:-$$(( $(PORT) + 1 ))} $(VENV)/bin/honcho start -f Procfile

## test: run the test suite but the slow tests, the fault drills and the browser tests; embedded unless DATABASE_URL / REDIS_URL are set
test: install-dev
	SECRET_KEY=$${SECRET_KEY:-htrae-make-test-only-key-9fJ2kLq8Zr4Wn7Xc1Vb6Mt3Hy5Ds0Pg} $(VENV)/bin/pytest -m "not fault and not slow and not browser"

## test-slow: the slow tests (hundreds of ticks, replay across processes, the API contract, idle sockets)
test-slow: install-dev
	SECRET_KEY=$${SECRET_KEY:-htrae-make-test-only-key-9fJ2kLq8Zr4Wn7Xc1Vb6Mt3Hy5Ds0Pg} $(VENV)/bin/pytest -m "slow and not fault and not browser"

## test-faults: the fault drills (outages, kills, signals; real processes; PostgreSQL and Redis)
test-faults: install-dev
	SECRET_KEY=$${SECRET_KEY:-htrae-make-test-only-key-9fJ2kLq8Zr4Wn7Xc1Vb6Mt3Hy5Ds0Pg} $(VENV)/bin/pytest -m fault

## test-browser: the live viewer in Debian's headless Chromium (/usr/bin/chromium) against a real embedded server
test-browser: install-dev
	env -u DATABASE_URL -u REDIS_URL SECRET_KEY=$${SECRET_KEY:-htrae-make-test-only-key-9fJ2kLq8Zr4Wn7Xc1Vb6Mt3Hy5Ds0Pg} $(VENV)/bin/pytest -m browser tests/browser

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

## lock: recompile the pinned locks (requirements*.txt) from requirements*.in with pip-tools
lock: install-dev
	$(VENV)/bin/pip-compile -q --strip-extras --no-emit-index-url --no-emit-find-links --allow-unsafe -o requirements.txt requirements.in
	$(VENV)/bin/pip-compile -q --strip-extras --no-emit-index-url --no-emit-find-links --allow-unsafe -o requirements-dev.txt requirements-dev.in

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache staticfiles
