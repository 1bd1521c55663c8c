#!/usr/bin/env bash
# Local image registries for Berth's tests: Debian's docker-registry, on 127.0.0.1, next to a
# private engine from scripts/engine.sh.
#
# The registries run in the network namespace of the engine's dockerd (a namespace of its own for
# any engine but "primary", the host's for primary), whichever namespace the caller is in: the
# engine reaches them on its own 127.0.0.1, which dockerd treats as an insecure (plain HTTP)
# registry by default, and no engine flags or veth addresses are needed.
# Two registries run per engine: one open (port 5050) and one with basic auth (port 5051, user
# "berth", a random password kept next to the engine's socket).
#
#   scripts/registry.sh start [ENGINE]   start both registries (idempotent) and print their env
#   scripts/registry.sh stop  [ENGINE]   stop both registries
#   scripts/registry.sh env   [ENGINE]   print BERTH_TEST_REGISTRY* exports
set -euo pipefail

cmd=${1:-}
engine=${2:-primary}
case "$engine" in (*[!a-z0-9]*|"") echo "engine name must be [a-z0-9]+" >&2; exit 2;; esac

run_root=${BERTH_ENGINE_RUN:-/run/berth-engines}/$engine/registry
data_root=${BERTH_ENGINE_DATA:-/var/lib/berth-engines}/$engine/registry
engine_pid=${BERTH_ENGINE_RUN:-/run/berth-engines}/$engine/docker.pid
OPEN_PORT=5050
AUTH_PORT=5051
USER_NAME=berth

# Runs a command in the engine's network namespace: that of its dockerd, which for "primary" is
# the host's even when the caller (the browser tests, see scripts/e2e.sh) has a namespace of its own.
in_engine_net() {
  nsenter --net="/proc/$(cat "$engine_pid")/ns/net" "$@"
}

listening() {
  local code
  code=$(in_engine_net curl -sS --max-time 2 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$1/v2/" 2>/dev/null || true)
  [ "$code" = 200 ] || [ "$code" = 401 ]
}

write_config() {
  local kind=$1 port=$2 config=$run_root/$1.yml
  mkdir -p "$data_root/$kind"
  {
    echo "version: 0.1"
    echo "log: {level: warn}"
    echo "storage:"
    echo "  filesystem: {rootdirectory: $data_root/$kind}"
    echo "  delete: {enabled: true}"
    echo "http: {addr: '127.0.0.1:$port'}"
    if [ "$kind" = auth ]; then
      echo "auth:"
      echo "  htpasswd: {realm: berth-test, path: $run_root/htpasswd}"
    fi
  } >"$config"
}

start_one() {
  local kind=$1 port=$2
  if listening "$port"; then return; fi
  write_config "$kind" "$port"
  setsid bash -c "$(declare -f in_engine_net); engine_pid=$engine_pid; \
    in_engine_net docker-registry serve '$run_root/$kind.yml'" >"$run_root/$kind.log" 2>&1 </dev/null &
  echo $! >"$run_root/$kind.pid"
  for _ in $(seq 1 60); do
    if listening "$port"; then return; fi
    sleep 0.25
  done
  echo "the $kind registry did not start; its log:" >&2
  tail -n 20 "$run_root/$kind.log" >&2
  exit 1
}

password() {
  cat "$run_root/password"
}

print_env() {
  echo "export BERTH_TEST_REGISTRY=127.0.0.1:$OPEN_PORT"
  echo "export BERTH_TEST_REGISTRY_AUTH=127.0.0.1:$AUTH_PORT"
  echo "export BERTH_TEST_REGISTRY_USER=$USER_NAME"
  echo "export BERTH_TEST_REGISTRY_PASSWORD=$(password)"
}

start() {
  if [ "$(id -u)" != 0 ]; then echo "scripts/registry.sh must run as root" >&2; exit 1; fi
  command -v docker-registry >/dev/null || { echo "docker-registry is missing: run scripts/setup.sh" >&2; exit 1; }
  if [ ! -s "$engine_pid" ] || ! kill -0 "$(cat "$engine_pid")" 2>/dev/null; then
    echo "engine '$engine' is not running: start it with scripts/engine.sh start $engine" >&2
    exit 1
  fi
  mkdir -p "$run_root"
  if [ ! -s "$run_root/password" ]; then
    (umask 077; head -c 18 /dev/urandom | base64 | tr -d '/+=' >"$run_root/password")
  fi
  (umask 077; htpasswd -Bbn "$USER_NAME" "$(password)" >"$run_root/htpasswd")
  start_one open "$OPEN_PORT"
  start_one auth "$AUTH_PORT"
  print_env
}

stop() {
  local kind pid
  for kind in open auth; do
    if [ -f "$run_root/$kind.pid" ]; then
      pid=$(cat "$run_root/$kind.pid")
      kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
      rm -f "$run_root/$kind.pid"
    fi
  done
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  env) print_env ;;
  *) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
