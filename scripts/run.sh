#!/usr/bin/env bash
# Starts the console built by `make build`. When no engine answers at DOCKER_HOST (or the
# default socket), it starts Berth's private engine and says so.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ROOT=$(repo_root)
cd "$ROOT"

engine=${DOCKER_HOST:-unix:///var/run/docker.sock}
reachable() {
  case "$1" in
    unix://*) curl -fsS --max-time 2 --unix-socket "${1#unix://}" http://engine/_ping >/dev/null 2>&1 ;;
    tcp://*) curl -fsS --max-time 2 "http://${1#tcp://}/_ping" >/dev/null 2>&1 ;;
    *) return 1 ;;
  esac
}

if ! reachable "$engine"; then
  say "no Docker engine answers at $engine; starting Berth's private engine"
  bash scripts/engine.sh start primary
  eval "$(bash scripts/engine.sh env primary)"
  echo "    using the private engine at $DOCKER_HOST (stop it with: make engine-stop)"
else
  export DOCKER_HOST=$engine
fi

export BERTH_DATA_DIR=${BERTH_DATA_DIR:-$ROOT/.berth-data}
say "starting Berth (data in $BERTH_DATA_DIR); press Ctrl-C to stop"
exec "$ROOT/target/release/berth" serve "$@"
