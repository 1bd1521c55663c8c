#!/usr/bin/env bash
# Private Docker engines for Berth's tests, benchmarks and `make run`.
#
# Each engine has its own socket, data root, exec root, pidfile and bridge, so it
# never touches a system engine. The first engine ("primary") runs in the host's
# network namespace on its own bridge; any other engine runs in a network
# namespace of its own, joined to the host by a veth pair, so several can run at
# once without their bridges or iptables rules colliding.
#
#   scripts/engine.sh start [NAME]   start NAME (default: primary), wait for /_ping, seed images
#   scripts/engine.sh stop  [NAME]   stop NAME and remove its namespace and links
#   scripts/engine.sh env   [NAME]   print `export DOCKER_HOST=...` for NAME
#   scripts/engine.sh status [NAME]  exit 0 when NAME answers /_ping
#   scripts/engine.sh seed  [NAME]   (re)import busybox:latest from Debian's busybox-static
set -euo pipefail

cmd=${1:-}
name=${2:-primary}
case "$name" in (*[!a-z0-9]*|"") echo "engine name must be [a-z0-9]+" >&2; exit 2;; esac

run_root=${BERTH_ENGINE_RUN:-/run/berth-engines}/$name
data_root=${BERTH_ENGINE_DATA:-/var/lib/berth-engines}/$name
sock=$run_root/docker.sock
pidfile=$run_root/docker.pid
log=$run_root/dockerd.log
netns=berth-$name

need_root() {
  if [ "$(id -u)" != 0 ]; then
    echo "scripts/engine.sh must run as root (dockerd needs it); try sudo" >&2
    exit 1
  fi
}

install_engine() {
  if ! command -v dockerd >/dev/null 2>&1 || ! command -v busybox >/dev/null 2>&1; then
    echo "==> installing docker.io and busybox-static from Debian"
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends docker.io busybox-static iproute2 curl >/dev/null
  fi
}

ping_engine() {
  curl -fsS --max-time 2 --unix-socket "$sock" http://engine/_ping >/dev/null 2>&1
}

# A stable, small index per engine name picks its bridge subnet and veth addresses.
engine_index() {
  if [ "$name" = primary ]; then echo 0; return; fi
  echo $(( ( $(printf '%s' "$name" | cksum | cut -d' ' -f1) % 200 ) + 1 ))
}

setup_network() {
  local idx; idx=$(engine_index)
  if [ "$idx" = 0 ]; then
    if ! ip link show berth0 >/dev/null 2>&1; then
      ip link add berth0 type bridge
      ip addr add 172.30.0.1/24 dev berth0
    fi
    ip link set berth0 up
    return
  fi
  if ! ip netns list | grep -qw "$netns"; then
    ip netns add "$netns"
    ip link add "bh$idx" type veth peer name "bn$idx"
    ip link set "bn$idx" netns "$netns"
    ip addr add "10.250.$idx.1/24" dev "bh$idx"
    ip link set "bh$idx" up
    ip netns exec "$netns" ip addr add "10.250.$idx.2/24" dev "bn$idx"
    ip netns exec "$netns" ip link set "bn$idx" up
    ip netns exec "$netns" ip link set lo up
    ip netns exec "$netns" ip route add default via "10.250.$idx.1"
  fi
}

teardown_network() {
  local idx; idx=$(engine_index)
  if [ "$idx" = 0 ]; then
    ip link del berth0 2>/dev/null || true
  else
    ip link del "bh$idx" 2>/dev/null || true
    ip netns del "$netns" 2>/dev/null || true
  fi
}

start() {
  need_root
  install_engine
  if ping_engine; then
    echo "==> engine '$name' already running at unix://$sock"
    return
  fi
  mkdir -p "$run_root" "$data_root"
  setup_network
  local idx; idx=$(engine_index)
  local args=(--host "unix://$sock" --data-root "$data_root" --exec-root "$run_root/exec"
    --pidfile "$pidfile" --group root --storage-driver overlay2)
  if [ "$idx" = 0 ]; then
    args+=(--bridge berth0 --iptables=false --ip-masq=false)
    setsid dockerd "${args[@]}" >"$log" 2>&1 </dev/null &
  else
    # `ip netns exec` would remount /sys and hide the cgroups; nsenter only swaps the network.
    args+=(--bridge none --iptables=false)
    setsid nsenter --net="/var/run/netns/$netns" dockerd "${args[@]}" >"$log" 2>&1 </dev/null &
  fi
  for _ in $(seq 1 120); do
    if ping_engine; then break; fi
    sleep 0.5
  done
  if ! ping_engine; then
    echo "engine '$name' did not answer /_ping; the last lines of $log:" >&2
    tail -n 30 "$log" >&2
    exit 1
  fi
  echo "==> engine '$name' is up at unix://$sock"
  seed
}

stop() {
  need_root
  if [ -f "$pidfile" ]; then
    local pid; pid=$(cat "$pidfile")
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid"
      for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$pidfile"
  fi
  teardown_network
  echo "==> engine '$name' stopped"
}

seed() {
  if DOCKER_HOST="unix://$sock" docker image inspect busybox:latest >/dev/null 2>&1; then
    return
  fi
  echo "==> seeding busybox:latest from Debian's busybox-static"
  local tmp; tmp=$(mktemp -d)
  local rootfs=$tmp/rootfs
  mkdir -p "$rootfs"/{bin,etc,tmp,root,home,var,proc,sys,dev,usr/bin,usr/sbin,sbin}
  chmod 1777 "$rootfs/tmp"
  cp "$(command -v busybox)" "$rootfs/bin/busybox"
  local applet
  for applet in $("$rootfs/bin/busybox" --list-full 2>/dev/null || "$rootfs/bin/busybox" --list); do
    case "$applet" in
      */*) dest=$rootfs/$applet ;;
      *) dest=$rootfs/bin/$applet ;;
    esac
    [ -e "$dest" ] || ln -s /bin/busybox "$dest"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n' >"$rootfs/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$rootfs/etc/group"
  local status=0
  tar -C "$rootfs" -c . | DOCKER_HOST="unix://$sock" docker import -c 'CMD ["/bin/sh"]' - busybox:latest >/dev/null || status=$?
  rm -rf "$tmp"
  return "$status"
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  env) echo "export DOCKER_HOST=unix://$sock" ;;
  status) ping_engine ;;
  seed) need_root; seed ;;
  *) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
