#!/usr/bin/env bash
# Installs everything Berth needs to build, run and test, skipping what is already installed.
# Only package registries are used: Debian's apt, crates.io through cargo, and npm.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$(repo_root)"
use_project_path

TRUNK_VERSION=0.21.14
WASM_BINDGEN_VERSION=0.2.130
WASM_SPLIT_VERSION=0.2.4

# docker.io and busybox-static: the private test engine and its seed image.
# chromium: the browser tests. socat, haproxy: reference proxies for `make bench`.
# docker-registry, apache2-utils: a local registry with basic auth for image tests.
# openssl: certificates for the TCP+TLS test engine; bsdutils: `script`, the docker CLI's pty.
# openssh-server, openssh-client: the sshd in front of the SSH test engine, and ssh-keygen.
# systemd: `systemd-analyze verify` checks contrib/berth.service.
# python3-docker: docker-py, an SDK driven through the gateway with a client certificate.
APT_PACKAGES=(
  docker.io busybox-static iproute2 curl ca-certificates gcc libc6-dev pkg-config
  chromium socat haproxy docker-registry apache2-utils
  openssl bsdutils openssh-server openssh-client
  systemd python3-docker
)

missing=()
for package in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
if ! command -v node >/dev/null 2>&1; then missing+=(nodejs npm); fi
if [ ${#missing[@]} -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  # Debian starts docker-registry as a service on :5000; Berth's tests run their own.
  if command -v systemctl >/dev/null 2>&1; then
    as_root systemctl disable --now docker-registry >/dev/null 2>&1 || true
  fi
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if [ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; then
  say "installing trunk $TRUNK_VERSION (a few minutes)"
  cargo install trunk --version "$TRUNK_VERSION" --locked --no-default-features --force
fi

if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (a few minutes)"
  # Its published lock file names a crate version the registry no longer has, so --locked
  # can fail; then the newest compatible dependencies are used instead.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --locked --force \
    || cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

# Splits the UI's WebAssembly into a main module and one lazily loaded chunk per page.
# It has no --version, so cargo's own record of installed crates tells.
if ! cargo install --list | grep -qx "wasm_split_cli_support v$WASM_SPLIT_VERSION:"; then
  say "installing wasm-split-cli $WASM_SPLIT_VERSION (a minute or two)"
  cargo install wasm_split_cli_support --version "$WASM_SPLIT_VERSION" --locked --force \
    --features build-binary
fi

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages (npm ci)"
  npm ci --no-audit --no-fund
fi

say "setup complete"
