# Losen — developer tasks.
#
#   make demo     run the demo on http://127.0.0.1:$(PORT)/ with $(YOUTHS) made-up youths
#   make test     everything CI runs: lint, type check, licences, migrations check, fast
#                 suite (SQLite), the fast suite again under awkward clocks, browser suite
#                 (SQLite, Chromium), fast suite again on PostgreSQL
#
# Both start from a fresh checkout: they create .venv from the lock files first.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:
# One pip at a time in .venv; the test parts run one after the other anyway.
.NOTPARALLEL:
MAKEFLAGS += --no-builtin-rules

PORT ?= 8000
YOUTHS ?= 300
BENCH_YOUTHS ?= 100000
PYTEST_WORKERS ?= 2
PYTEST_ARGS ?=
# Moments the fast suite is run at by `make test-clocks` (Europe/Oslo local time): the
# first minute of a month, the last minute of a month that is a 29 February, and the
# last minute of a year.
TEST_CLOCKS ?= 2026-12-01T00:00 2028-02-29T23:59 2026-12-31T23:59
DEMO_DATABASE_URL ?= sqlite:///$(CURDIR)/var/demo.sqlite3
# The SQLite test suites run on in-memory databases; this keeps a DATABASE_URL from
# the caller's environment (say, a PostgreSQL one) out of them.
SQLITE_TEST_URL := sqlite://:memory:

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3 2>/dev/null)
VENV := .venv
BIN := $(VENV)/bin
VPY := $(BIN)/python
LOSEN := $(BIN)/losen
PYTEST := $(BIN)/pytest
RUFF := $(BIN)/ruff
DEV_STAMP := $(VENV)/.installed-dev
RUNTIME_STAMP := $(VENV)/.installed-runtime

PO_FILES := $(wildcard losen/locale/*/LC_MESSAGES/django.po)
MO_FILES := $(PO_FILES:.po=.mo)

PIP_COMPILE := $(BIN)/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe \
	--no-emit-index-url --no-emit-find-links $(LOCK_ARGS)

.PHONY: help demo test test-fast test-clocks test-browser test-pg lint fmt check-migrations \
	licenses messages-compile system-packages install install-dev lock clean distclean bench typecheck

help:
	@echo "make demo              run the demo: http://127.0.0.1:$(PORT)/ (PORT=, YOUTHS=)"
	@echo "make test              lint + licences + migrations check + all test suites (what CI runs)"
	@echo "make test-fast         fast tests on SQLite ($(PYTEST_WORKERS) workers, PYTEST_WORKERS=)"
	@echo "make test-clocks       fast tests once per moment in TEST_CLOCKS (first/last day, 23:59, 00:00)"
	@echo "make test-browser      browser tests (Chromium via Playwright, axe-core) on SQLite"
	@echo "make test-pg           fast tests on a throwaway PostgreSQL cluster"
	@echo "make lint / fmt        ruff check + format check + dead code / apply fixes and formatting"
	@echo "make check-migrations  fail if a model change has no migration"
	@echo "make typecheck         mypy with django-stubs over losen/ (a step of make test)"
	@echo "make licenses          list every runtime dependency's licence; fail on one EUPL-1.2 may not use"
	@echo "make messages-compile  compile losen/locale/*/LC_MESSAGES/django.po"
	@echo "make lock              re-resolve requirements.lock and requirements-dev.lock"
	@echo "                       (LOCK_ARGS=--upgrade or LOCK_ARGS='-P django' to upgrade)"
	@echo "make clean             remove caches and build output (keeps .venv and var/)"
	@echo "make distclean         clean, and remove .venv and var/ (demo database, keys)"

# --- virtual environment ---------------------------------------------------------------

$(VPY):
	@if [ -z "$(PYTHON)" ]; then echo "error: python3.11 (or python3) not found" >&2; exit 1; fi
	@echo "Creating $(VENV) with $(PYTHON) ($$($(PYTHON) --version 2>&1))"
	@$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); \
		echo "error: could not create $(VENV) (Debian/Ubuntu: apt-get install python3-venv)" >&2; \
		exit 1; }

# Runtime dependencies only: enough for the demo.
$(RUNTIME_STAMP): requirements.lock pyproject.toml | $(VPY)
	$(BIN)/pip install --require-hashes -r requirements.lock
	$(BIN)/pip install --no-deps -e .
	@rm -f $(DEV_STAMP)  # the dev set must be re-checked against this venv
	@touch $@

# Runtime + development dependencies (a superset of the runtime lock, same pins). The
# build backend (setuptools) is pinned in this lock, so no build isolation is needed.
$(DEV_STAMP): requirements-dev.lock pyproject.toml | $(VPY)
	$(BIN)/pip install --require-hashes -r requirements-dev.lock
	$(BIN)/pip install --no-deps --no-build-isolation -e .
	@touch $(RUNTIME_STAMP) $@

install: $(RUNTIME_STAMP)
install-dev: $(DEV_STAMP)

# --- translations ----------------------------------------------------------------------

messages-compile: $(MO_FILES)
ifeq ($(PO_FILES),)
	@echo "messages-compile: no losen/locale/*/LC_MESSAGES/django.po yet, nothing to compile"
endif

# babel, not GNU gettext: pure Python, installed with the runtime dependencies. Babel
# skips (without failing) a catalog whose header is marked fuzzy; that would silently
# drop a whole language, so it is an error here.
losen/locale/%/LC_MESSAGES/django.mo: losen/locale/%/LC_MESSAGES/django.po | $(BIN)/pybabel
	@rm -f $@
	$(BIN)/pybabel compile --statistics -l $* -i $< -o $@
	@test -f $@ || { echo "error: $< not compiled: its header is marked '#, fuzzy'" \
		"(babel skips such catalogs); remove that flag" >&2; exit 1; }

$(BIN)/pybabel: | $(RUNTIME_STAMP)

# --- demo ------------------------------------------------------------------------------

# Keys for the demo, made once and kept: the demo database holds identity numbers
# encrypted with LOSEN_ID_KEY, so new keys make an existing demo database unreadable.
var/demo.env: | $(VPY)
	@mkdir -p var
	@if [ '$(DEMO_DATABASE_URL)' = 'sqlite:///$(CURDIR)/var/demo.sqlite3' ] \
		&& [ -e var/demo.sqlite3 ]; then \
		echo "var/demo.env is missing: removing the demo database encrypted with the old keys"; \
		rm -f var/demo.sqlite3 var/demo.sqlite3-wal var/demo.sqlite3-shm; \
	fi
	@umask 077; $(VPY) -c 'import base64, secrets; \
		print("# Keys for `make demo` (made by the Makefile). Keep them: the demo database is encrypted with LOSEN_ID_KEY."); \
		print("LOSEN_SECRET_KEY=" + secrets.token_urlsafe(50)); \
		print("LOSEN_ID_KEY=" + base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())' \
		> $@.tmp
	@mv $@.tmp $@
	@echo "Created $@ (demo keys)"

demo: $(RUNTIME_STAMP) messages-compile var/demo.env
	@set -a; source var/demo.env; set +a; \
	export LOSEN_ALLOW_SYNTHETIC_IDS=1 LOSEN_DEBUG=0 DATABASE_URL='$(DEMO_DATABASE_URL)'; \
	echo "Preparing the demo database ($(DEMO_DATABASE_URL)) ..."; \
	$(LOSEN) migrate --noinput; \
	status=0; $(LOSEN) demo-data --youths $(YOUTHS) --seed 1 2>var/demo-data.err || status=$$?; \
	if [ $$status -eq 3 ]; then echo "The demo data is already loaded: keeping it."; \
	else cat var/demo-data.err >&2; fi; \
	rm -f var/demo-data.err; \
	if [ $$status -ne 0 ] && [ $$status -ne 3 ]; then \
		echo "error: losen demo-data failed (exit code $$status)" >&2; exit $$status; fi; \
	$(LOSEN) demo-logins --url http://127.0.0.1:$(PORT)/; \
	exec $(LOSEN) runserver 127.0.0.1:$(PORT) --noreload

# --- checks and tests ------------------------------------------------------------------

lint: $(DEV_STAMP)
	@status=0; \
	echo "ruff check"; $(RUFF) check . || status=1; \
	echo "ruff format --check"; $(RUFF) format --check . || status=1; \
	echo "dead code (vulture)"; $(VPY) scripts/dead_code.py || status=1; \
	exit $$status

fmt: $(DEV_STAMP)
	$(RUFF) check --fix --exit-zero .
	$(RUFF) format .

# Every package of requirements.lock with its licence (scripts/licenses.py): fails when one
# is proprietary, unrecognised or not installed.
licenses: $(RUNTIME_STAMP)
	$(VPY) scripts/licenses.py requirements.lock

# mypy with django-stubs over losen/ (tests and migrations excluded; see [tool.mypy] in
# pyproject.toml). A step of `make test`: any error fails it.
typecheck: $(DEV_STAMP)
	DJANGO_SETTINGS_MODULE=losen.settings_test DATABASE_URL='$(SQLITE_TEST_URL)' $(BIN)/mypy

check-migrations: $(DEV_STAMP)
	DJANGO_SETTINGS_MODULE=losen.settings_test DATABASE_URL='$(SQLITE_TEST_URL)' \
		$(LOSEN) makemigrations --check --dry-run

system-packages:
	@bash scripts/ensure_system_packages.sh

test-fast: $(DEV_STAMP) messages-compile
	DATABASE_URL='$(SQLITE_TEST_URL)' $(PYTEST) -m "not browser" -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# The suite sets its own clock (conftest.py, --clock): each run starts every test at one
# of these moments, so a test that only passes on some days fails here on any day.
test-clocks: $(DEV_STAMP) messages-compile
	@status=0; for clock in $(TEST_CLOCKS); do \
		echo "--- fast suite at $$clock (Europe/Oslo)"; \
		DATABASE_URL='$(SQLITE_TEST_URL)' $(PYTEST) -m "not browser" -n $(PYTEST_WORKERS) \
			-q --no-header --clock "$$clock" $(PYTEST_ARGS) || status=1; \
	done; exit $$status

# Screenshots of failed tests land in test-results/ (emptied first).
test-browser: $(DEV_STAMP) messages-compile system-packages
	@rm -rf test-results
	DATABASE_URL='$(SQLITE_TEST_URL)' $(PYTEST) -m browser $(PYTEST_ARGS)

# A throwaway cluster in a fresh folder under /tmp, stopped and removed whatever happens.
test-pg: $(DEV_STAMP) messages-compile system-packages
	@dir=$$(mktemp -d /tmp/losen-pg.XXXXXX); \
	trap '$(VPY) scripts/pg_test_cluster.py stop "$$dir"' EXIT; \
	trap 'exit 130' INT TERM; \
	url=$$($(VPY) scripts/pg_test_cluster.py start "$$dir"); \
	echo "PostgreSQL test cluster: $$url (in $$dir)"; \
	DATABASE_URL="$$url" $(PYTEST) -m "not browser" -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# Runs every part even when one fails, then fails if any did.
test: $(DEV_STAMP) messages-compile
	@failed=(); summary=(); sys_ok=1; \
	for part in lint typecheck licenses check-migrations system-packages test-fast test-clocks test-browser test-pg; do \
		printf '\n\033[1m━━━ make %s ━━━\033[0m\n' "$$part"; \
		start=$$SECONDS; \
		if [[ $$part == test-browser || $$part == test-pg ]] && (( ! sys_ok )); then \
			echo "not run: the system packages it needs are missing (see above)"; result=FAILED; \
		elif $(MAKE) --no-print-directory $$part; then result=ok; \
		else result=FAILED; if [[ $$part == system-packages ]]; then sys_ok=0; fi; fi; \
		[[ $$result == ok ]] || failed+=("$$part"); \
		summary+=("$$(printf '%-17s %-7s %5ss' "$$part" "$$result" "$$((SECONDS - start))")"); \
	done; \
	printf '\n\033[1m━━━ make test: summary ━━━\033[0m\n'; printf '  %s\n' "$${summary[@]}"; \
	if (( $${#failed[@]} )); then echo "make test: FAILED ($${failed[*]})" >&2; exit 1; fi; \
	echo "make test: all passed"

# --- benchmarks ------------------------------------------------------------------------

# Results report and history import, Losen beside bare SQL, on SQLite (demo database kept
# in var/bench/) and on a throwaway PostgreSQL cluster. BENCH_YOUTHS= sets the size.
bench: $(RUNTIME_STAMP) messages-compile system-packages
	BENCH_YOUTHS='$(BENCH_YOUTHS)' $(VPY) scripts/bench.py --youths '$(BENCH_YOUTHS)'

# --- maintenance -----------------------------------------------------------------------

# Re-resolves both lock files from pyproject.toml (keeps current pins unless LOCK_ARGS
# says --upgrade / -P package). Index and find-links options are left out of the files.
lock:
	@if [ ! -x $(BIN)/pip-compile ]; then $(MAKE) --no-print-directory $(DEV_STAMP); fi
	$(PIP_COMPILE) --output-file=requirements.lock pyproject.toml
	$(PIP_COMPILE) --extra=dev --output-file=requirements-dev.lock pyproject.toml

clean:
	rm -rf build dist *.egg-info .pytest_cache .ruff_cache test-results playwright-report
	find . -path ./$(VENV) -prune -o -type d -name __pycache__ -exec rm -rf {} +
	find losen -name '*.mo' -path '*/LC_MESSAGES/*' -delete

distclean: clean
	rm -rf $(VENV) var
