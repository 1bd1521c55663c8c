#!/usr/bin/env bash
# `make bench`: runs the benchmarks against the private engine and writes BENCHMARKS.md.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
enter_repo

ensure_engine primary
trap stop_started_engines EXIT
eval "$(bash scripts/engine.sh env primary)"

BERTH_BENCH_DOCKER_HOST=$DOCKER_HOST BERTH_BENCH_OUTPUT="$ROOT/BENCHMARKS.md" \
  cargo bench -p berth --bench proxy --locked

# Memory while large images stream through the gateway; appends to BENCHMARKS.md.
BERTH_BENCH_OUTPUT="$ROOT/BENCHMARKS.md" bash scripts/bench-images.sh
# The browser benchmarks, away from the engine's network changes (lib.sh).
export BERTH_BIN="$ROOT/target/release/berth" BERTH_TEST_DOCKER_HOST=$DOCKER_HOST
run_isolated node tests/bench/logs-view.mjs "$ROOT/BENCHMARKS.md"
run_isolated node tests/bench/terminal.mjs "$ROOT/BENCHMARKS.md"
