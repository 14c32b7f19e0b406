# Two commands do everything: `make run` and `make test` (see README.md).
SHELL := /bin/bash
RUN_ENV := $(if $(BIND_ADDR),BIND_ADDR=$(BIND_ADDR)) $(if $(DATABASE_URL),DATABASE_URL=$(DATABASE_URL)) $(if $(DEMO),DEMO=$(DEMO))

.PHONY: run test build setup bench

## Install what is missing, build, and start the app on SQLite at http://127.0.0.1:3000
run:
	@bash scripts/setup.sh build
	@bash scripts/build.sh
	@$(RUN_ENV) bash scripts/run.sh

## Format, lint, unit, database (SQLite + PostgreSQL) and end-to-end tests
test:
	@bash scripts/test.sh

build:
	@bash scripts/setup.sh build
	@bash scripts/build.sh

setup:
	@bash scripts/setup.sh test

## Measure against the targets (release build); report in target/bench/report.md
bench:
	@bash scripts/setup.sh build
	@bash scripts/build.sh
	@bash scripts/bench.sh
