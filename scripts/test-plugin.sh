#!/usr/bin/env bash
# Builds Berth's test volume driver (tests/plugin/) as a static binary and assembles the folders
# `docker plugin create` takes: target/test-plugin/v1 and v2, each a rootfs/ with the binary as
# /driver and a config.json (v2 asks for one more privilege). Prints the folder they are in.
# The tests find it there (BERTH_TEST_PLUGIN_DIR overrides); scripts/test.sh and scripts/e2e.sh
# run this first, so a clean clone needs nothing else.
#
#   scripts/test-plugin.sh
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$(repo_root)"
use_project_path

triple=$(rustc -vV | sed -n 's/^host: //p')
# Static, so the rootfs needs nothing but the binary. The explicit target keeps these flags off
# every other crate of the workspace (and so off their build cache).
RUSTFLAGS="-C target-feature=+crt-static" \
  cargo build --quiet --release -p berth-test-plugin --target "$triple" >&2
binary=target/$triple/release/berth-test-plugin
out=target/test-plugin
for version in v1 v2; do
  mkdir -p "$out/$version/rootfs/run/docker/plugins" "$out/$version/rootfs/data"
  cp "$binary" "$out/$version/rootfs/driver"
  cp "tests/plugin/config-$version.json" "$out/$version/config.json"
done
echo "$PWD/$out"
