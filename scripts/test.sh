#!/usr/bin/env bash
# The whole test suite, as `make test` and CI run it: formatting, lints, unit tests, integration
# tests against a private Docker engine, and browser tests in headless Chromium. Every step runs
# even when an earlier one fails, and the last line sums up passed and failed tests.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
enter_repo

LOG_DIR=${BERTH_TEST_LOG_DIR:-$ROOT/target/test-logs}
mkdir -p "$LOG_DIR"
passed=0
failed=0
failed_steps=()

# Counts a check that is one pass or one failure (fmt, clippy, builds).
check() {
  local name=$1; shift
  say "$name"
  if "$@"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    failed_steps+=("$name")
  fi
}

# Runs a test step with its output in its log, and adds up the passed and failed counts that
# RUNNER (cargo_count or node_count) reads from the log.
tested() {
  local name=$1 runner=$2; shift 2
  local log="$LOG_DIR/${name// /-}.log"
  say "$name"
  "$@" 2>&1 | tee "$log"
  local status=${PIPESTATUS[0]}
  local p f
  p=$("$runner" passed "$log")
  f=$("$runner" failed "$log")
  passed=$((passed + p))
  failed=$((failed + f))
  if [ "$status" != 0 ] && [ "$f" = 0 ]; then
    # A build failure runs no tests; count it so the run cannot look green.
    failed=$((failed + 1))
  fi
  if [ "$status" != 0 ]; then failed_steps+=("$name"); fi
}

# The sum of cargo's "N passed" (or "N failed", as $1 says) over every "test result:" line in $2.
cargo_count() {
  grep -Eo "[0-9]+ $1" "$2" | awk '{s+=$1} END {print s+0}'
}

# The sum of node's test runner's "# pass N" (or "# fail N") lines in $2.
node_count() {
  local word=pass
  if [ "$1" = failed ]; then word=fail; fi
  grep -E "^# $word [0-9]+" "$2" | awk '{s+=$3} END {print s+0}'
}

# Runs cargo tests, adding up the counts of every "test result:" line.
cargo_tests() {
  local name=$1; shift
  tested "$name" cargo_count "$@"
}

# Runs node's test runner, adding up its pass and fail counts.
node_tests() {
  local name=$1; shift
  tested "$name" node_count "$@"
}

check "setup" bash scripts/setup.sh
check "cargo fmt --check" cargo fmt --all -- --check
check "clippy (native, all targets)" cargo clippy --workspace --all-targets --locked -- -D warnings
check "clippy (frontend, wasm32)" cargo clippy -p berth-frontend --target wasm32-unknown-unknown --locked -- -D warnings
check "build the UI (trunk, release)" trunk build --release
check "build berth with the UI embedded" cargo build -p berth --locked

cargo_tests "unit tests" cargo test --workspace --lib --bins --locked
# The engine models against real dockerd answers (shared/tests/fixtures), every value nulled in turn.
cargo_tests "engine model tests" cargo test -p berth-shared --tests --locked
cargo_tests "console API tests (in process)" cargo test -p berth --test api --locked
cargo_tests "tidy (headers, code map)" cargo test -p berth --test tidy --locked

# Counts a step that is not a test but must not fail unseen, such as starting an engine. It runs
# in this shell (ensure_engine remembers what it started), its output also in its log, whose end
# the summary repeats when the step fails.
failed_logs=()
must() {
  local name=$1; shift
  local log="$LOG_DIR/${name// /-}.log"
  if ! "$@" > >(tee "$log") 2>&1; then
    failed=$((failed + 1))
    failed_steps+=("$name")
    failed_logs+=("$log")
  fi
}

must "start the private engine" ensure_engine primary
# A second engine on TCP+TLS with client certificates, for the docker CLI suite through Berth.
must "start the TLS engine" ensure_engine tls --tls
# A third reachable only over SSH: an sshd of its own in its namespace, its socket hidden from the host.
must "start the SSH engine" ensure_engine ssh --ssh
# Two more make a real two-node swarm (scripts/swarm.sh); each test forms or leaves it as it needs.
BERTH_ENGINE_OFFLINE=1 must "start the swarm manager" ensure_engine swarma
BERTH_ENGINE_OFFLINE=1 must "start the swarm worker" ensure_engine swarmb
# An address whose packets a namespace drops, for the environment checks and the home page.
must "route the black-holed address" bash scripts/blackhole.sh start
stop_engine() {
  # The image tests start local registries next to the engine (scripts/registry.sh).
  bash scripts/registry.sh stop primary >/dev/null 2>&1 || true
  bash scripts/blackhole.sh stop >/dev/null 2>&1 || true
  stop_started_engines
}
trap stop_engine EXIT
eval "$(bash scripts/engine.sh env tls)"
export BERTH_TEST_TLS_DOCKER_HOST=$DOCKER_HOST BERTH_TEST_TLS_CERT_PATH=${DOCKER_CERT_PATH:-}
unset DOCKER_HOST DOCKER_TLS_VERIFY DOCKER_CERT_PATH
eval "$(bash scripts/engine.sh env ssh)"
export BERTH_TEST_SSH_DOCKER_HOST=${BERTH_SSH_DOCKER_HOST:-} BERTH_TEST_SSH_KEY=${BERTH_SSH_KEY:-} \
  BERTH_TEST_SSH_SOCKET=${BERTH_SSH_SOCKET:-} BERTH_TEST_SSH_HOST_KEY=${BERTH_SSH_HOST_KEY:-}
eval "$(bash scripts/swarm.sh env)"
eval "$(bash scripts/blackhole.sh env)"
export BERTH_TEST_BLACKHOLE
eval "$(bash scripts/engine.sh env primary)"
export BERTH_TEST_DOCKER_HOST=$DOCKER_HOST
unset DOCKER_HOST

# The managed plugin the plugin tests install: a static volume driver and its rootfs/ (tests/plugin/).
must "build the test plugin" bash scripts/test-plugin.sh
cargo_tests "integration tests (real engine)" cargo test -p berth --test integration --locked
# In a network namespace of their own, so that engines adding interfaces cannot fail page loads.
node_tests "browser tests (headless chromium)" \
  env BERTH_BIN="$ROOT/target/debug/berth" bash scripts/e2e.sh
# The container image (static x86_64 release build, `make image`) run on the primary engine.
node_tests "container image (built and run on the engine)" bash scripts/image-test.sh

echo
for log in "${failed_logs[@]}"; do
  echo "--- the end of $log"
  tail -n 40 "$log"
done
if [ ${#failed_steps[@]} -gt 0 ]; then
  echo "failed steps: ${failed_steps[*]}"
fi
echo "SUMMARY: $passed passed, $failed failed"
[ "$failed" = 0 ]
