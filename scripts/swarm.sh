#!/usr/bin/env bash
# A real two-node swarm for Berth's tests and benchmarks: two private engines from
# scripts/engine.sh ("swarma", the manager, and "swarmb", the worker), each in a network namespace
# and with a host name of its own, reaching each other through the host. Their registry requests
# fail at once (BERTH_ENGINE_OFFLINE), since only local images exist here.
#
#   scripts/swarm.sh start   start both engines (idempotent), not joined to anything new
#   scripts/swarm.sh form    make swarma a manager of a new swarm and join swarmb as a worker,
#                            leaving any swarm either was in first
#   scripts/swarm.sh leave   make both leave their swarm (forced), so a test can init one itself
#   scripts/swarm.sh stop    stop both engines
#   scripts/swarm.sh env     print BERTH_TEST_SWARM_{MANAGER,WORKER}{,_ADDR} exports: each
#                            engine's unix socket and the address it advertises to the other
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

manager=swarma
worker=swarmb

socket() { echo "unix://${BERTH_ENGINE_RUN:-/run/berth-engines}/$1/docker.sock"; }

# The address of an engine's end of its veth pair (scripts/engine.sh's engine_index).
address() {
  echo "10.250.$(( ( $(printf '%s' "$1" | cksum | cut -d' ' -f1) % 200 ) + 1 )).2"
}

on() {
  local name=$1
  shift
  DOCKER_HOST=$(socket "$name") docker "$@"
}

leave() {
  local name
  for name in "$worker" "$manager"; do
    if [ "$(on "$name" info --format '{{.Swarm.LocalNodeState}}')" != inactive ]; then
      on "$name" swarm leave --force >/dev/null
    fi
  done
}

case "${1:-}" in
  start)
    BERTH_ENGINE_OFFLINE=1 bash "$here/engine.sh" start "$manager"
    BERTH_ENGINE_OFFLINE=1 bash "$here/engine.sh" start "$worker"
    ;;
  form)
    leave
    on "$manager" swarm init --advertise-addr "$(address "$manager")" >/dev/null
    on "$worker" swarm join --token "$(on "$manager" swarm join-token -q worker)" \
      "$(address "$manager"):2377" >/dev/null
    echo "==> swarm formed: $manager (manager), $worker (worker)"
    ;;
  leave) leave ;;
  stop)
    bash "$here/engine.sh" stop "$worker"
    bash "$here/engine.sh" stop "$manager"
    ;;
  env)
    echo "export BERTH_TEST_SWARM_MANAGER=$(socket "$manager") BERTH_TEST_SWARM_MANAGER_ADDR=$(address "$manager") BERTH_TEST_SWARM_WORKER=$(socket "$worker") BERTH_TEST_SWARM_WORKER_ADDR=$(address "$worker")"
    ;;
  *) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
