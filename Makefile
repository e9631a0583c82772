# One-command habits: `make demo` runs the demo, `make test` runs every test.
# Both set up everything they need (virtualenv, npm packages, front-end build, browser).

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.livefeed-installed

.PHONY: setup build browser brokers demo test test-py test-js test-versions lint bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml package.json package-lock.json
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	npm ci --no-audit --no-fund
	$(PY) -m pip install --quiet -e ".[test,bench]"
	touch $(STAMP)

# The editable install builds the bundle once; rebuild so JS edits always reach the tests.
build: setup
	npm run build

browser:
	bash scripts/ensure-browser.sh

# The real brokers that the NATS and Redis tests start: Debian's nats-server and redis-server.
brokers:
	bash scripts/ensure-brokers.sh

demo: build
	$(VENV)/bin/livefeed demo

lint: setup
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	$(VENV)/bin/mypy
	npm run lint

test-js: setup
	npx vitest run

test-py: build browser brokers
	$(PY) -m pytest

# Every other declared Python version: the suite without the browser, each in its own .venv-3.X.
test-versions: build brokers
	bash scripts/test-versions.sh

test: build browser lint test-js test-py test-versions

bench: build browser brokers
	$(PY) -m bench.run

clean:
	rm -rf $(VENV) .venv-3.* node_modules src/livefeed/static
