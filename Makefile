# Candour: `make demo` to try it, `make test` to check it. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9
PYTEST_ARGS ?=
# Optional extras to install, space-separated: `make test EXTRAS=spark` adds pyspark for the data
# wash's Spark engine and its tests (CI sets it; without it those tests skip, saying why).
EXTRAS ?=
# One stamp per set of extras, so changing EXTRAS re-syncs the environment (uv sync is exact).
INSTALLED := $(VENV)/.installed$(if $(strip $(EXTRAS)),-$(subst $() ,-,$(strip $(EXTRAS))))

.PHONY: install demo test lint typecheck test-sqlite test-postgres system-deps benchmarks clean

install: $(INSTALLED)

$(INSTALLED): pyproject.toml uv.lock package.json package-lock.json scripts/build-frontend.sh
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@test -x $(BIN)/uv || $(BIN)/pip install --quiet "uv==$(UV_VERSION)"
	@rm -f $(VENV)/.installed*
	$(BIN)/uv sync --frozen --compile-bytecode --python $(BIN)/python $(foreach extra,$(EXTRAS),--extra $(extra))
	@# Bytecode even where PYTHONDONTWRITEBYTECODE is set: every command then starts about a second sooner.
	$(BIN)/python -m compileall -q candour
	bash scripts/build-frontend.sh
	@touch $@

# Debian packages the tests need: Chromium for browser tests, Pango for PDF letters, Java for Spark.
system-deps:
	@bash scripts/system-deps.sh

demo: install
	$(BIN)/candour demo

lint: install
	$(BIN)/ruff check candour benchmarks
	$(BIN)/ruff format --check candour benchmarks

typecheck: install
	$(BIN)/mypy candour

# The suite runs on SQLite, then on PostgreSQL too when DATABASE_URL names a PostgreSQL server.
test: install system-deps lint typecheck
	$(MAKE) --no-print-directory test-sqlite
	@case "$$DATABASE_URL" in postgres*) $(MAKE) --no-print-directory test-postgres ;; \
	  *) echo "DATABASE_URL names no PostgreSQL server: the PostgreSQL run is skipped." ;; esac

test-sqlite:
	@echo "== Test suite on SQLite =="
	env -u DATABASE_URL $(BIN)/pytest $(PYTEST_ARGS)

# The data wash engine's own tests never touch Django's database, so they run once, on SQLite.
# So do the browser tests (Chromium through the pages: about 3 minutes), which check what the
# pages show and how they behave, not the database; every query they make is run on PostgreSQL
# by the rest of the suite. This keeps CI under its 30 minutes.
test-postgres:
	@echo "== Test suite on PostgreSQL ($$DATABASE_URL) =="
	$(BIN)/pytest --ignore-glob='candour/vetting/tests/test_datawash*' \
	  --ignore-glob='candour/*/tests/*_browser.py' \
	  --ignore-glob='candour/*/tests/test_browser_journeys.py' $(PYTEST_ARGS)

benchmarks: install
	@echo "See docs/benchmarks.md for each benchmark's command."

clean:
	rm -rf $(VENV) node_modules candour/static/govuk candour/static/vendor
