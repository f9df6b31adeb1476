# Two commands from a fresh clone: `make run` and `make test`. Everything else is a step
# they share. Needs Python 3.11+, make and Node.js (npm) for the GOV.UK Frontend assets.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PO_FILES := $(wildcard locales/*/LC_MESSAGES/messages.po)
MO_FILES := $(PO_FILES:.po=.mo)

.PHONY: run test install assets translations extract-messages update-translations lint ci clean

run: install ## start API, web pages, worker and beat with demo data
	$(BIN)/dfc run

test: install ## install what the tests need and run them
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

translations: $(MO_FILES)

locales/%/LC_MESSAGES/messages.mo: locales/%/LC_MESSAGES/messages.po $(VENV)/.installed
	$(BIN)/pybabel compile -d locales -D messages -l $* 2>&1 | grep -v '^compiling' || true
	@test -f $@

extract-messages: $(VENV)/.installed ## collect translatable strings into locales/messages.pot
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k _ --no-location --sort-output \
		--project "Devices for Children" -o locales/messages.pot .

update-translations: extract-messages ## merge new strings into every language's catalogue
	$(BIN)/pybabel update -i locales/messages.pot -d locales -D messages --no-fuzzy-matching --ignore-obsolete

lint: $(VENV)/.installed
	$(BIN)/ruff check .

ci: ## what CI runs: make test, then the suite on PostgreSQL and Redis
	bash .ci/run

clean:
	rm -rf $(VENV) node_modules var .pytest_cache .ruff_cache
