# The README's commands: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
# Debian packages: Chromium (chart export, browser tests), Pango and fonts (PDF reports),
# poppler and qpdf (the report tests read and check PDFs), PostgreSQL's client programs
# (pg_dump and pg_restore: `feedback360 backup` and `restore`), wrk (benchmarks).
SYSTEM_PACKAGES := chromium libpango-1.0-0 libpangoft2-1.0-0 fonts-inter fonts-dejavu-core \
	poppler-utils qpdf postgresql-client
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)
WRK ?= /usr/bin/wrk
# The proxy in front of the two web instances of benchmarks/cluster.py.
HAPROXY ?= /usr/sbin/haproxy

.PHONY: run test lint format bench clean system-packages translations messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

# The catalogs of the pages' and emails' words, and the report's own (domain "report"): only
# the .po files are in git, each .mo is compiled from its .po (again whenever the .po changes).
# The Dockerfile does the same.
MO_FILES := $(patsubst %.po,%.mo,$(wildcard service/translations/*/LC_MESSAGES/messages.po \
	reports/translations/*/LC_MESSAGES/report.po))

%.mo: %.po $(VENV)/.installed
	$(BIN)/pybabel compile -i $< -o $@

translations: $(MO_FILES)

# After marking, changing or removing words in service/: the template of every marked word
# (messages.pot, not in git), then each catalog brought in step with it. New entries come
# empty and changed ones fuzzy: translate them, remove each fuzzy mark, then `make
# translations` (tests/test_translation_catalogs.py names whatever is still missing). The
# template's header says which project, version and team it belongs to (the same test
# checks these options); each catalog keeps its own header.
POT_VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml)
POT_OPTIONS := --project=feedback360 --version=$(POT_VERSION) \
	--copyright-holder="the feedback360 authors" \
	--msgid-bugs-address="feedback360 maintainers" \
	--last-translator="feedback360 maintainers" \
	--header-comment="\# Translations template for feedback360: the words of its pages, emails and API messages."

messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k lazy_gettext $(POT_OPTIONS) -o messages.pot .
	$(BIN)/pybabel update -i messages.pot -d service/translations -w 100

# The demo's links, the emails' links and the pages all name the address actually served.
run: export BASE_URL ?= http://$(HOST):$(PORT)
run: $(VENV)/.installed translations system-packages
	$(BIN)/feedback360 db upgrade
	$(BIN)/feedback360 demo
	@# The worker sends the emails and closes rounds past their deadline. A background job
	@# of a script ignores Ctrl-C, so the trap stops it when the web server stops. Both write
	@# their metrics to one fresh folder, so /metrics counts the worker's emails too.
	@metrics="$${INSTANCE_PATH:-$(CURDIR)/instance}/metrics"; \
	rm -rf "$$metrics" && mkdir -p "$$metrics" && export PROMETHEUS_MULTIPROC_DIR="$$metrics"; \
	$(BIN)/feedback360 worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' INT TERM EXIT; \
	$(BIN)/gunicorn -c python:service.gunicorn_conf --bind $(HOST):$(PORT) --workers 2 \
		service.wsgi:app

# Installs only what is missing, so it costs nothing once done.
system-packages:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		$(SUDO) apt-get update && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y --no-install-recommends $$missing; \
	fi

$(WRK):
	$(SUDO) apt-get update
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y wrk

$(HAPROXY):
	$(SUDO) apt-get update
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y haproxy

# Locust, for benchmarks/cluster.py.
$(VENV)/.installed-bench: pyproject.toml $(VENV)/.installed-test
	$(BIN)/pip install --quiet -e ".[test,bench]"
	touch $@

test: $(VENV)/.installed-test translations system-packages
	$(BIN)/pytest

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# benchmarks/cluster.py (several processes under load and failure, minutes) is run by hand.
bench: $(VENV)/.installed-bench $(WRK) $(HAPROXY)
	@for script in benchmarks/bench_*.py; do echo "== $$script"; $(BIN)/python $$script; done

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache .hypothesis
