#!/usr/bin/env bash
# `make bench`: the measurements in release mode; the table goes to stdout and
# $CARGO_TARGET_DIR/bench/report.md.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
step "Benchmarks (cargo bench, release profile)"
cargo bench --features ssr --bench platform
