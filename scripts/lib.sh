# Shared helpers for Berth's scripts. Source it; it does nothing on its own.

# Runs a command as root, through sudo when the caller is not root.
as_root() {
  if [ "$(id -u)" = 0 ]; then
    "$@"
  else
    sudo "$@"
  fi
}

# Prints a step heading.
say() {
  printf '\033[1m==> %s\033[0m\n' "$*"
}

# The repository's root.
repo_root() {
  cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd
}

# Puts the project's own tools first on PATH: npm's wasm-opt (binaryen 132) must win over any
# older system binaryen, and cargo-installed tools must be found.
use_project_path() {
  local root; root=$(repo_root)
  export PATH="$root/node_modules/.bin:$HOME/.cargo/bin:$PATH"
}

# Runs a command that drives Chromium in a network namespace of its own with only loopback (the
# engines are reached through their unix sockets). Chromium fails requests in flight with
# net::ERR_NETWORK_CHANGED whenever an interface comes or goes in its namespace, and the private
# engines add a veth for every container they start; none of that reaches a namespace of its own.
# Without root, no namespace can be made and the command runs in the caller's.
run_isolated() {
  if [ "$(id -u)" = 0 ] && unshare --net -- ip link set lo up 2>/dev/null; then
    unshare --net -- bash -c 'ip link set lo up && exec "$@"' isolated "$@"
  else
    echo "==> no network namespace of its own (not root?): Chromium shares the caller's" >&2
    "$@"
  fi
}

# Moves to the repository's root, sets ROOT to it, and puts the project's tools first on PATH:
# the opening of every script that builds or runs Berth.
enter_repo() {
  ROOT=$(repo_root)
  cd "$ROOT" || return
  use_project_path
}

# The private engines this script started, which stop_started_engines stops again.
STARTED_ENGINES=()

# Starts private engine NAME (scripts/engine.sh start NAME [FLAGS...]) unless it already answers,
# and remembers that this script started it. An engine someone else started is shared, and left
# running. Fails when the engine does not start.
ensure_engine() {
  local name=$1
  if bash scripts/engine.sh status "$name" >/dev/null 2>&1; then
    return
  fi
  # A dockerd that exits while it starts (engine.sh prints its log) gets one clean second try:
  # its namespace and pidfile are removed first, so nothing of the first try is reused.
  if ! bash scripts/engine.sh start "$@"; then
    echo "==> engine '$name' did not start; stopping what is left of it and trying once more" >&2
    bash scripts/engine.sh stop "$name" >&2 || true
    bash scripts/engine.sh start "$@" || return
  fi
  STARTED_ENGINES+=("$name")
}

# Stops the engines ensure_engine started, for an EXIT trap.
stop_started_engines() {
  local name
  for name in "${STARTED_ENGINES[@]}"; do
    bash scripts/engine.sh stop "$name" >/dev/null 2>&1 || true
  done
}

# Whether a Docker engine answers /_ping at URL (unix:// or plain tcp://).
engine_reachable() {
  case "$1" in
    unix://*) curl -fsS --max-time 2 --unix-socket "${1#unix://}" http://engine/_ping >/dev/null 2>&1 ;;
    tcp://*) curl -fsS --max-time 2 "http://${1#tcp://}/_ping" >/dev/null 2>&1 ;;
    *) return 1 ;;
  esac
}

# Exports DOCKER_HOST: the engine it names (or the default socket) when that answers, else
# Berth's private engine, started for the purpose, saying so.
use_engine_or_private() {
  local engine=${DOCKER_HOST:-unix:///var/run/docker.sock}
  if engine_reachable "$engine"; then
    export DOCKER_HOST=$engine
    return
  fi
  say "no Docker engine answers at $engine; starting Berth's private engine"
  bash scripts/engine.sh start primary || return
  eval "$(bash scripts/engine.sh env primary)"
  echo "    using the private engine at $DOCKER_HOST (stop it with: make engine-stop)"
}

# The versions of the cross toolchain for the static release binaries (scripts/release.sh).
ZIGLANG_VERSION=0.17.0
CARGO_ZIGBUILD_VERSION=0.24.0

# Makes ready what the static builds for the given target triples need, and puts it on PATH:
# each triple's rustup target, and Zig with cargo-zigbuild from PyPI in a virtual environment
# of the project's own (target/release-tools), so that no system Python is changed.
use_release_tools() {
  local root venv triple
  root=$(repo_root)
  venv=$root/target/release-tools
  for triple in "$@"; do
    if ! rustup target list --installed | grep -qx "$triple"; then
      say "adding the $triple target"
      rustup target add "$triple" || return
    fi
  done
  if [ "$("$venv/bin/cargo-zigbuild" --version 2>/dev/null)" != "cargo-zigbuild $CARGO_ZIGBUILD_VERSION" ] \
    || [ "$("$venv/bin/python3" -m ziglang version 2>/dev/null)" != "$ZIGLANG_VERSION" ]; then
    say "installing ziglang $ZIGLANG_VERSION and cargo-zigbuild $CARGO_ZIGBUILD_VERSION (PyPI)"
    if ! python3 -m venv "$venv" 2>/dev/null; then
      as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-venv \
        || return
      python3 -m venv "$venv" || return
    fi
    "$venv/bin/python3" -m pip install -q --disable-pip-version-check \
      "ziglang==$ZIGLANG_VERSION" "cargo-zigbuild==$CARGO_ZIGBUILD_VERSION" || return
  fi
  # cargo-zigbuild runs `python3 -m ziglang` when no `zig` is on PATH: the venv's python3.
  export PATH="$venv/bin:$PATH"
}
