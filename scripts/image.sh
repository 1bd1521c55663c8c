#!/usr/bin/env bash
# `make image`: the container image berth:<version>, also tagged berth:latest, from
# contrib/Dockerfile around the static x86_64 binary (scripts/release.sh), built with the classic
# builder so that dockerd 20.10 without BuildKit builds it.
#
#   scripts/image.sh    on the engine at DOCKER_HOST, else the default socket, else Berth's
#                       private engine (started for it, as `make run` does)
#
# The build context is laid out in target/image/: rootfs/ (berth, the CA bundle, tmp/) and
# owned/data/, the data directory, given to Berth's user by `COPY --chown`.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
enter_repo

TRIPLE=x86_64-unknown-linux-musl
CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt

bash scripts/release.sh "$TRIPLE"
binary=target/$TRIPLE/release/berth
version=$("$binary" --version | awk '{print $2}')
if [ ! -f "$CA_BUNDLE" ]; then
  echo "image: $CA_BUNDLE is missing; install Debian's ca-certificates (scripts/setup.sh does)" >&2
  exit 1
fi

context=target/image
rm -rf "$context"
mkdir -p "$context/rootfs/etc/ssl/certs" "$context/rootfs/tmp" "$context/owned/data"
chmod 1777 "$context/rootfs/tmp"
chmod 0700 "$context/owned/data"
cp "$binary" "$context/rootfs/berth"
cp "$CA_BUNDLE" "$context/rootfs/etc/ssl/certs/ca-certificates.crt"
chmod 0644 "$context/rootfs/etc/ssl/certs/ca-certificates.crt"
cp contrib/Dockerfile "$context/Dockerfile"

use_engine_or_private
say "building berth:$version and berth:latest on $DOCKER_HOST"
DOCKER_BUILDKIT=0 docker build -q -t "berth:$version" -t berth:latest "$context" >/dev/null
size=$(docker image inspect --format '{{.Size}}' "berth:$version")
echo "    berth:$version: $size bytes"
