#!/usr/bin/env bash
# Runs Berth's browser tests (all of tests/e2e/, or the files given) in a network namespace of
# their own, with only a loopback interface: the `berth` servers the tests start, the docker CLI
# and headless Chromium all live there, and reach the engine through its unix socket.
#
# Chromium watches its network namespace and fails requests in flight with
# net::ERR_NETWORK_CHANGED whenever an interface or address comes or goes. The private engines put
# a veth on their bridge for each container they start and a bridge for each network they
# create (in the host's namespace, for "primary"), and engines elsewhere on the machine come and
# go; none of that reaches a namespace of the tests' own, so no page load fails halfway
# (`run_isolated` in lib.sh).
#
#   BERTH_BIN=target/debug/berth BERTH_TEST_DOCKER_HOST=unix://... scripts/e2e.sh [FILE...]
#
# Where no namespace can be made (without root) the tests run in the caller's namespace.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$(repo_root)"
use_project_path

if [ $# = 0 ]; then set -- tests/e2e/; fi

# The TLS engine listens on TCP in a namespace of its own, which the tests' namespace cannot
# reach: a relay from a unix socket carries its bytes (TLS stays between Berth and the engine),
# and tests/e2e/environments.test.mjs listens on loopback in front of it.
if [ -n "${BERTH_TEST_TLS_DOCKER_HOST:-}" ]; then
  relay_dir=$(mktemp -d)
  export BERTH_TEST_TLS_RELAY=$relay_dir/tls.sock
  socat "UNIX-LISTEN:$BERTH_TEST_TLS_RELAY,fork,mode=600" "TCP:${BERTH_TEST_TLS_DOCKER_HOST#tcp://}" &
  relay_pid=$!
  trap 'kill "$relay_pid" 2>/dev/null; rm -rf "$relay_dir"' EXIT
  for _ in $(seq 100); do
    [ -S "$BERTH_TEST_TLS_RELAY" ] && break
    sleep 0.05
  done
  [ -S "$BERTH_TEST_TLS_RELAY" ] || { echo "e2e: the TLS relay did not start" >&2; exit 1; }
fi

run_isolated node --test --test-concurrency=1 --test-reporter=tap "$@"
