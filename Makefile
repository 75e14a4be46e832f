# jifu — two commands do everything on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432/jifu?options=-c%20synchronous_commit%3Doff
VENDOR := jifu/static/vendor
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: install assets messages demo serve test test-sqlite test-postgres lint system-deps clean bench-import bench-integrity bench-dashboard

install: $(VENV)/.installed $(VENDOR)/.copied messages

$(VENV)/.installed: pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -c constraints.txt -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Front-end libraries come from npm at build time; the copies are never committed.
$(VENDOR)/.copied: node_modules/.installed
	rm -rf $(VENDOR)
	mkdir -p $(VENDOR)/bootstrap $(VENDOR)/bootstrap-icons $(VENDOR)/htmx $(VENDOR)/echarts
	cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/js/bootstrap.bundle.min.js $(VENDOR)/bootstrap/
	cp -r node_modules/bootstrap-icons/font/bootstrap-icons.min.css node_modules/bootstrap-icons/font/fonts $(VENDOR)/bootstrap-icons/
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx/
	cp node_modules/echarts/dist/echarts.min.js $(VENDOR)/echarts/
	cp node_modules/echarts4/map/json/province/gansu.json $(VENDOR)/echarts/gansu.json
	touch $@

assets: $(VENDOR)/.copied

messages: $(VENV)/.installed
	$(BIN)/python scripts/compile_messages.py

demo: install
	mkdir -p var
	$(BIN)/jifu migrate --noinput
	$(BIN)/jifu regions load
	$(BIN)/jifu demo-data --persons 10000
	@echo "后台任务与网站启动中 / starting the task worker and the web site: http://127.0.0.1:8000/"
	$(BIN)/jifu worker & trap 'kill $$!' EXIT INT TERM; $(BIN)/jifu serve --port 8000

system-deps:
	@scripts/system-deps.sh

# The whole suite on SQLite, then again on PostgreSQL when one is reachable
# (DATABASE_URL, or the local server on 127.0.0.1:5432 as user postgres).
# JIFU_REQUIRE_POSTGRES=1 (set by .ci/run) makes a skipped PostgreSQL half a failure.
test: install system-deps test-sqlite test-postgres

test-sqlite:
	@echo "== SQLite =="
	env -u DATABASE_URL DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/pytest -n 2 -q

test-postgres:
	@url="$${DATABASE_URL:-$(PG_URL)}"; \
	case "$$url" in postgres*) ;; *) url="$(PG_URL)";; esac; \
	if $(BIN)/python scripts/pg_reachable.py "$$url"; then \
		echo "== PostgreSQL =="; \
		DATABASE_URL="$$url" $(BIN)/pytest -n 2 -q -m "not browser"; \
	elif [ "$$JIFU_REQUIRE_POSTGRES" = "1" ]; then \
		echo "PostgreSQL 不可用，测试未完成 / PostgreSQL is not reachable: the PostgreSQL half did not run"; exit 1; \
	else \
		echo "跳过 PostgreSQL：无法连接 / skipping PostgreSQL: not reachable"; \
	fi

# Import benchmark (bench/README.md): jifu vs the calamine+COPY floor and pandas, on
# PostgreSQL and SQLite. Not part of `make test` or .ci/run. ROWS=20000 for a quick look;
# BENCH_ARGS passes more options (--db sqlite, --only jifu, --skip-pandas-default …).
ROWS ?= 1000000
BENCH_ARGS ?=
bench-import: $(VENV)/.installed
	$(BIN)/pip install -q -r bench/requirements.txt
	$(BIN)/python -m bench.import_bench --rows $(ROWS) $(BENCH_ARGS)

# Integrity-scan benchmark (bench/integrity_scan.py): every rule and services.scan on a fresh
# PostgreSQL database jifu_bench_integrity (127.0.0.1:5432, user postgres; dropped at the end).
# SCALE=small (20k persons) for a quick look, 1m (1,000,000 persons / 400,000 enrolments), 5m.
SCALE ?= 1m
bench-integrity: $(VENV)/.installed
	$(BIN)/python -m bench.integrity_scan --scale $(SCALE) $(BENCH_ARGS)

# Dashboard benchmark (bench/dashboard.py): the province's and a county's dashboard (50 requests
# each) against a hand-written GROUP BY over the raw tables, numbers compared, on a fresh
# PostgreSQL database jifu_bench_dashboard (dropped at the end). SCALE=small for a quick look,
# 1m (1,000,000 persons / 400,000 enrolments, the default), 5m (refused without the disk room).
bench-dashboard: $(VENV)/.installed
	$(BIN)/python -m bench.dashboard --scale $(SCALE) $(BENCH_ARGS)

lint: $(VENV)/.installed
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) node_modules $(VENDOR) var
