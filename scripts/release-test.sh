#!/usr/bin/env bash
# `make release-test`: builds both static release binaries (scripts/release.sh, slow) and runs
# the aarch64 one under Debian's qemu-user-static: `--version`, then `serve` on the test engine's
# socket, asked for /api/health both by curl with a token (the engine must be reachable) and by
# `berth health`. Ends with the plain "N passed, N failed" line.
#
#   scripts/release-test.sh    the engine at BERTH_TEST_DOCKER_HOST, else Berth's private one
set -uo pipefail
source "$(dirname "$0")/lib.sh"
enter_repo

ARM=aarch64-unknown-linux-musl
X86=x86_64-unknown-linux-musl
passed=0
failed=0
# Counts one check: its name, then the command that must succeed.
check() {
  local name=$1; shift
  if "$@"; then
    echo "ok: $name"
    passed=$((passed + 1))
  else
    echo "FAILED: $name"
    failed=$((failed + 1))
  fi
}

if ! command -v qemu-aarch64-static >/dev/null 2>&1 || ! command -v file >/dev/null 2>&1; then
  say "installing qemu-user-static and file"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    qemu-user-static file || exit 1
fi
bash scripts/release.sh "$X86" "$ARM" || exit 1

arm=target/$ARM/release/berth
qemu() { qemu-aarch64-static "$@"; }
for binary in "target/$X86/release/berth" "$arm"; do
  check "$binary is a static executable" \
    bash -c "file '$binary' | grep -q 'statically linked'"
  size=$(stat -c %s "$binary")
  check "$binary is at most 15 MB ($size bytes)" test "$size" -le 15000000
done
check "the aarch64 binary is for ARM aarch64" bash -c "file '$arm' | grep -q 'ARM aarch64'"

version=$(qemu "$arm" --version)
echo "    $version"
check "berth --version under qemu names the release and the commit" \
  bash -c "[[ '$version' =~ ^berth\ [0-9]+\.[0-9]+\.[0-9]+\ \(commit\ [0-9a-f]{7,}\)$ ]]"
check "both binaries print the same version" test "$version" = "$("target/$X86/release/berth" --version)"

if [ -n "${BERTH_TEST_DOCKER_HOST:-}" ]; then
  engine=$BERTH_TEST_DOCKER_HOST
else
  ensure_engine primary || exit 1
  trap stop_started_engines EXIT
  engine=$(bash scripts/engine.sh env primary | sed -n 's/^export DOCKER_HOST=//p')
fi

data=$(mktemp -d)
log=$data/serve.log
server=
finish() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; fi
  rm -rf "$data"
  stop_started_engines
}
trap finish EXIT
export BERTH_DATA_DIR=$data/store
qemu "$arm" user add --username admin --role admin --password-stdin <<<"correct horse battery staple" >/dev/null
token=$(qemu "$arm" token create --user admin --name release-test | tail -n 1)
DOCKER_HOST=$engine BERTH_LOG=warn qemu "$arm" serve --listen 127.0.0.1:0 >"$log" 2>&1 &
server=$!
# Berth prints its address once it listens; under emulation start-up takes a few seconds.
url=
deadline=$((SECONDS + 60))
while [ -z "$url" ] && [ "$SECONDS" -lt "$deadline" ] && kill -0 "$server" 2>/dev/null; do
  url=$(sed -n 's/^Berth is ready at \(http:\/\/[^ ]*\)\/$/\1/p' "$log")
  [ -n "$url" ] || sleep 0.2
done
check "berth serve under qemu prints where it listens" test -n "$url"
if [ -n "$url" ]; then
  health=$(curl -fsS --max-time 10 -H "Authorization: Bearer $token" "$url/api/health")
  echo "    $health"
  check "/api/health says up" grep -q '"status":"up"' <<<"$health"
  check "/api/health reaches the test engine through its socket" grep -q '"reachable":true' <<<"$health"
  check "berth health --url under qemu exits 0" qemu "$arm" health --url "$url"
else
  cat "$log"
fi

echo "release-test: $passed passed, $failed failed"
[ "$failed" = 0 ]
