# Two commands from a fresh clone: `make run` and `make test`. Everything else is a step
# they share. Needs Python 3.11+, make and Node.js (npm) for the GOV.UK Frontend assets.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PO_FILES := $(wildcard locales/*/LC_MESSAGES/messages.po)
MO_FILES := $(PO_FILES:.po=.mo)
# The browser tests drive Debian's Chromium (no browser download); installed where missing.
CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test install assets translations extract-messages update-translations lint ci clean data-inventory

run: install ## start API, web pages, worker and beat with demo data
	$(BIN)/dfc run

test: install $(CHROMIUM) ## install what the tests need and run them
	$(BIN)/pytest $(PYTEST_ARGS)

install: $(VENV)/.installed assets translations

$(VENV)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	@touch $@

assets: node_modules/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(CHROMIUM):
	@if command -v apt-get >/dev/null; then \
		echo "Installing Debian's chromium for the browser tests"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium fonts-noto-core >/dev/null; \
	else echo "No apt-get here: install Chromium at $(CHROMIUM) to run tests/e2e"; fi

translations: $(MO_FILES)

locales/%/LC_MESSAGES/messages.mo: locales/%/LC_MESSAGES/messages.po $(VENV)/.installed
	$(BIN)/pybabel compile -d locales -D messages -l $* 2>&1 | grep -v '^compiling' || true
	@test -f $@

extract-messages: $(VENV)/.installed ## collect translatable strings into locales/messages.pot
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k _ --no-location --sort-output \
		--project "Devices for Children" -o locales/messages.pot .

update-translations: extract-messages ## merge new strings into every language's catalogue
	$(BIN)/pybabel update -i locales/messages.pot -d locales -D messages --no-fuzzy-matching --ignore-obsolete

data-inventory: $(VENV)/.installed ## write docs/data-inventory.md from the models' privacy marks
	$(BIN)/python -m privacy.inventory > docs/data-inventory.md.tmp
	mv docs/data-inventory.md.tmp docs/data-inventory.md

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/lint-imports

ci: ## what CI runs: make test, then the suite on PostgreSQL and Redis
	bash .ci/run

clean:
	rm -rf $(VENV) node_modules var .pytest_cache .ruff_cache
