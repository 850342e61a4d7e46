# Linkwell: `make demo` to try it, `make test` to check it. Needs Python 3.11 and Node.js.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
PYTEST_ARGS ?= -n 2

.PHONY: install demo serve test test-fast lint format translations messages clean

install: $(VENV)/.installed node_modules/.installed translations

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Linkwell needs Python 3.11; set PYTHON=/path/to/python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

translations: $(VENV)/.installed
	@$(BIN)/linkwell compiletranslations

demo: install
	$(BIN)/linkwell demo --port $(PORT)

serve: install
	$(BIN)/linkwell serve --port $(PORT)

test: install
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts

format: $(VENV)/.installed
	$(BIN)/ruff format src tests benchmarks scripts
	$(BIN)/ruff check --fix src tests benchmarks scripts

# Refresh the .po files after changing strings (needs GNU gettext: apt-get install gettext).
messages: $(VENV)/.installed
	cd src/linkwell && ../../$(BIN)/linkwell makemessages --all --no-obsolete --ignore 'static/*' --add-location file

clean:
	rm -rf $(VENV) node_modules var .pytest_cache
