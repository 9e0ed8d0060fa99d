# make run   — set up .venv (runtime pins only), build the demo warehouse when missing, start the app
# make test  — set up .venv with the test pins too (and the browser/fonts the tests use), run the tests
# make bench — run the benchmarks (test pins too) and print their tables

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
DB     ?= data/warehouse.duckdb
PORT   ?= 8501

.PHONY: run test bench demo venv venv-dev fonts system-deps clean

# Two stamps: `make run` installs only what the app needs (requirements.txt); `make test`
# and `make bench` add the test pins (requirements-dev.txt) on top.
venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

venv-dev: $(VENV)/.installed-dev

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

# Debian packages the project uses: Chromium for browser tests, Noto CJK fonts
# for Japanese PNG/PDF output, LibreOffice for "real office suite" fixtures.
# Best effort: without root or apt the tests that need them skip with a reason.
# `make run` needs only the fonts (PNG downloads, PDF report); `make test` needs all.
FONTS_CHECK = fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing="$$missing fonts-noto-cjk"; \
	[ -f /usr/share/fonts/opentype/ipafont-gothic/ipagp.ttf ] || missing="$$missing fonts-ipafont-gothic";

fonts:
	@missing=""; $(FONTS_CHECK) $(APT_INSTALL)

system-deps:
	@missing=""; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	$(FONTS_CHECK) \
	command -v soffice >/dev/null 2>&1 || missing="$$missing libreoffice-calc-nogui"; \
	$(APT_INSTALL)

APT_INSTALL = if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing:$$missing"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing) >/tmp/pdca-apt.log 2>&1 \
	      || echo "warning: could not install$$missing (see /tmp/pdca-apt.log); dependent tests will skip"; \
	  else echo "warning: missing$$missing and no root/apt; dependent tests will skip"; fi; \
	fi

$(DB): | venv
	$(PY) -m pipeline --db $(DB) demo

demo: venv
	rm -f $(DB) $(DB).wal
	$(PY) -m pipeline --db $(DB) demo

run: venv $(DB)
	-@$(MAKE) --no-print-directory fonts || true
	PDCA_DB=$(DB) $(PY) -m streamlit run server.py --server.port $(PORT)

# Two pytest-xdist workers, one test file per worker at a time (a file's module fixtures are
# built once); the demo warehouse is still built once per run (tests/conftest.py).
# TEST_WORKERS=0 runs in one process.
TEST_WORKERS ?= 2

test: venv-dev system-deps
	$(PY) -m pytest -q -n $(TEST_WORKERS) --dist loadfile

bench: venv-dev
	$(PY) bench/run_all.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
