#!/usr/bin/env bash
# A black-holed address for Berth's tests: packets to it are dropped without an answer, as by a
# host that is down or a firewall that drops, so a TCP connection to it neither succeeds nor is
# refused. The caller's namespace routes the address through a veth pair into a network namespace
# of its own, which forwards and has a blackhole route for it: the kernel there drops the packets
# silently (no ICMP, unlike "unreachable" or "prohibit" routes). The address is in TEST-NET-2
# (RFC 5737), which no real host has.
#
#   scripts/blackhole.sh start   make the namespace and the routes (idempotent), print the env
#   scripts/blackhole.sh stop    remove them
#   scripts/blackhole.sh env     print the BERTH_TEST_BLACKHOLE export
#
# BERTH_BLACKHOLE_NETNS names the dropping namespace (default berth-blackhole): a caller in a
# network namespace of its own (the benchmarks) gives another name, since namespace names are
# shared by every caller on the host.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

NETNS=${BERTH_BLACKHOLE_NETNS:-berth-blackhole}
HOST_LINK=bhole-h
NS_LINK=bhole-n
ADDRESS=198.51.100.7

in_ns() {
  as_root ip netns exec "$NETNS" "$@"
}

case "${1:-}" in
  start)
    if ! ip netns list | grep -qw "$NETNS"; then
      as_root ip netns add "$NETNS"
    fi
    if ! ip link show "$HOST_LINK" >/dev/null 2>&1; then
      as_root ip link add "$HOST_LINK" type veth peer name "$NS_LINK"
      as_root ip link set "$NS_LINK" netns "$NETNS"
      as_root ip addr add 10.251.0.1/30 dev "$HOST_LINK"
      in_ns ip addr add 10.251.0.2/30 dev "$NS_LINK"
    fi
    as_root ip link set "$HOST_LINK" up
    in_ns ip link set "$NS_LINK" up
    in_ns sysctl -qw net.ipv4.ip_forward=1
    in_ns ip route replace blackhole "$ADDRESS/32"
    as_root ip route replace "$ADDRESS/32" via 10.251.0.2 dev "$HOST_LINK"
    echo "export BERTH_TEST_BLACKHOLE=$ADDRESS"
    ;;
  stop)
    as_root ip route del "$ADDRESS/32" 2>/dev/null || true
    as_root ip link del "$HOST_LINK" 2>/dev/null || true
    as_root ip netns del "$NETNS" 2>/dev/null || true
    ;;
  env)
    echo "export BERTH_TEST_BLACKHOLE=$ADDRESS"
    ;;
  *)
    echo "usage: $0 start|stop|env" >&2
    exit 2
    ;;
esac
