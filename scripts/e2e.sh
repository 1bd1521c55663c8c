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

# The TLS and SSH engines listen on TCP in namespaces of their own, and Berth's container on a
# port of the host's loopback, which the tests' namespace cannot reach: a relay from a unix socket
# carries each one's bytes (TLS and SSH stay between Berth and the engine), and the test file
# listens on loopback in front of it (`relayedPort` in tests/e2e/support.mjs).
relay_dir=$(mktemp -d)
relay_pids=()
# With no relay (no TLS or SSH engine given) `kill` would fail, and under `set -e` end the trap
# before the directory is removed, with that failure as the script's status.
trap 'if [ ${#relay_pids[@]} -gt 0 ]; then kill "${relay_pids[@]}" 2>/dev/null || true; fi; rm -rf "$relay_dir"' EXIT
# relay NAME HOST:PORT exports BERTH_TEST_<NAME>_RELAY, a unix socket that reaches HOST:PORT.
relay() {
  local socket=$relay_dir/$1.sock
  socat "UNIX-LISTEN:$socket,fork,mode=600" "TCP:$2" &
  relay_pids+=($!)
  for _ in $(seq 100); do
    [ -S "$socket" ] && break
    sleep 0.05
  done
  [ -S "$socket" ] || { echo "e2e: the $1 relay did not start" >&2; exit 1; }
  export "BERTH_TEST_${1^^}_RELAY=$socket"
}
if [ -n "${BERTH_TEST_TLS_DOCKER_HOST:-}" ]; then
  relay tls "${BERTH_TEST_TLS_DOCKER_HOST#tcp://}"
fi
if [ -n "${BERTH_TEST_SSH_DOCKER_HOST:-}" ]; then
  relay ssh "${BERTH_TEST_SSH_DOCKER_HOST#ssh://*@}"
fi
# Berth in its container image, on the port the engine published (scripts/image-test.sh).
if [ -n "${BERTH_TEST_IMAGE_ADDRESS:-}" ]; then
  relay image "$BERTH_TEST_IMAGE_ADDRESS"
fi

# The managed plugin tests/e2e/plugins.test.mjs installs (target/test-plugin).
bash scripts/test-plugin.sh >/dev/null

run_isolated node --test --test-concurrency=1 --test-reporter=tap "$@"
