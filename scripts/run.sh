#!/usr/bin/env bash
# Starts the console built by `make build`. When no engine answers at DOCKER_HOST (or the
# default socket), it starts Berth's private engine and says so.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ROOT=$(repo_root)
cd "$ROOT"

use_engine_or_private

export BERTH_DATA_DIR=${BERTH_DATA_DIR:-$ROOT/.berth-data}
say "starting Berth (data in $BERTH_DATA_DIR); press Ctrl-C to stop"
exec "$ROOT/target/release/berth" serve "$@"
