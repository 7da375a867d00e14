# wipflow: the two commands a newcomer needs are `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install demo test test-unit test-integration stop server lint format clean screenshots catalogs

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("wipflow needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(PY) starter.py demo

test: $(STAMP)
	$(PY) -m pytest

# The tests that need nothing but this process (under a minute); then those that need
# PostgreSQL, a Temporal server, a process of their own or Chromium. Together: `make test`.
test-unit: $(STAMP)
	$(PY) -m pytest -m unit

test-integration: $(STAMP)
	$(PY) -m pytest -m "integration or browser"

# The Temporal UI as operators see the demo's session, saved under docs/ (Debian's chromium).
# The UI's payloads are sealed: it reads them through the web app, signed in as a staff member.
screenshots: $(STAMP)
	$(PY) docs/screenshots.py --session films-in-progress/toulouse-2027 $(if $(STAFF),--staff $(STAFF))

# The dev server and a worker in the background, for trying commands by hand.
server: $(STAMP)
	$(PY) starter.py dev up

stop: $(STAMP)
	$(PY) starter.py dev down

# The web pages' words: extract them, then write each language's catalog from locale/translate.py.
catalogs: $(STAMP)
	$(VENV)/bin/pybabel extract -F babel.cfg -k N_ --no-location --sort-output --project=wipflow -o locale/messages.pot .
	$(PY) locale/translate.py

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean: stop
	rm -rf var
