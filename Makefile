# The two set-up commands of the README:
#   make serve   builds the example blog and serves it with the local Hugging Face stand-in
#   make test    installs everything the tests need (Chromium included) and runs the whole suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: serve test lint bench install chromium widget pelican

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(BIN)/.installed

# Pelican in a venv of its own, as its users have it: Pelican 4.12 pins Pygments below 2.20,
# which would slow the engine's own venv (tests/test_integration_pelican.py runs it from here).
PELICAN_VENV := .venv-pelican
$(PELICAN_VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(PELICAN_VENV)
	$(PELICAN_VENV)/bin/pip install --quiet --upgrade pip
	$(PELICAN_VENV)/bin/pip install --quiet -e '.[pelican]'
	touch $@

pelican: $(PELICAN_VENV)/.installed

serve: install
	$(BIN)/shinmun serve --hub local

# Debian's Chromium: test tools may not download browsers of their own here.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium package..."; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: install pelican chromium lint
	$(BIN)/python -m pytest

# The prebuilt <hf-chat> widget the wheel ships (shinmun_hf/widget/), from public/apps/:
# run after changing the widget's sources (tests/test_widget_prebuilt.py fails until you do).
widget: install
	$(BIN)/python -m shinmun_hf.integrations.widget_bundle

bench: install
	$(BIN)/python bench/run.py
