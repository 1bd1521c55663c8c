#!/usr/bin/env bash
# `make bench`, UI part: the Containers page's render time with 1,000 containers, the delay from
# an engine event to the UI, the UI's transfer size, the home page with 20 environments of which
# 5 never answer, and the swarm's pages with 500 services and 5,000 tasks, in headless Chromium;
# writes their sections of BENCHMARKS.md.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
enter_repo

engine=${BERTH_BENCH_ENGINE:-primary}
ensure_engine "$engine"
BERTH_ENGINE_OFFLINE=1 ensure_engine swarma
trap stop_started_engines EXIT
eval "$(bash scripts/swarm.sh env)"
eval "$(bash scripts/engine.sh env "$engine")"

export BERTH_TEST_DOCKER_HOST=$DOCKER_HOST BERTH_BIN="${BERTH_BIN:-$ROOT/target/release/berth}"
# Away from the engine's network changes (lib.sh).
run_isolated node tests/e2e/bench-containers.mjs "$ROOT/BENCHMARKS.md"
run_isolated node tests/e2e/bench-ui-size.mjs "$ROOT/BENCHMARKS.md" "$ROOT/dist"
run_isolated node tests/e2e/bench-environments.mjs "$ROOT/BENCHMARKS.md"
run_isolated node tests/e2e/bench-swarm.mjs "$ROOT/BENCHMARKS.md"
