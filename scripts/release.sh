#!/usr/bin/env bash
# Static release binaries: `berth` for x86_64 and aarch64 Linux, linked against musl, with the
# UI in dist/ embedded (build it first: `make ui`). Each lands at target/<triple>/release/berth.
#
#   scripts/release.sh [TRIPLE...]   default: x86_64-unknown-linux-musl aarch64-unknown-linux-musl
#
# The C parts (bundled SQLite, ring's crypto) are compiled and linked by Zig's clang through
# cargo-zigbuild, which carries musl's headers and libc for every target: one toolchain for both
# architectures, from PyPI (Debian has no aarch64 musl cross compiler).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
enter_repo

if [ $# = 0 ]; then set -- x86_64-unknown-linux-musl aarch64-unknown-linux-musl; fi
if [ ! -f dist/index.html ]; then
  echo "release: dist/ has no UI; run \`make ui\` (or \`trunk build --release\`) first" >&2
  exit 1
fi

use_release_tools "$@"
for triple in "$@"; do
  say "building berth for $triple (static, musl)"
  started=$SECONDS
  nice -n 10 cargo zigbuild --release --locked -p berth --target "$triple"
  binary=target/$triple/release/berth
  echo "    $binary: $(stat -c %s "$binary") bytes, built in $((SECONDS - started)) s"
done
