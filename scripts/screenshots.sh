#!/usr/bin/env bash
# Takes the README's screenshots of the Containers page, light and dark, against the private
# engine with a few demo containers, and writes them to docs/. With `review`, takes instead the
# review screenshots of every page (light, dark, narrow) into tests/e2e/artifacts/, with the
# debug binary:
#
#   bash scripts/screenshots.sh [review]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
enter_repo

ensure_engine primary
eval "$(bash scripts/engine.sh env primary)"

if [ "${1:-}" = review ]; then
  trap stop_started_engines EXIT
  for script in container-detail-screenshots infra-screenshots images-screenshots console-screenshots; do
    BERTH_BIN="$ROOT/target/debug/berth" BERTH_TEST_DOCKER_HOST=$DOCKER_HOST \
      run_isolated node "tests/e2e/$script.mjs"
  done
  echo "wrote the review screenshots to tests/e2e/artifacts/"
  exit 0
fi

demo=(berth-demo-web berth-demo-api berth-demo-cache berth-demo-migrate)
cleanup() {
  docker rm -f "${demo[@]}" >/dev/null 2>&1 || true
  stop_started_engines
}
trap cleanup EXIT
docker rm -f "${demo[@]}" >/dev/null 2>&1 || true
docker run -d --name berth-demo-web -p 8080:80 busybox:latest httpd -f -p 80 >/dev/null
docker run -d --name berth-demo-api -p 127.0.0.1:9000:9000 --health-cmd true --health-interval 1s \
  busybox:latest sleep 86400 >/dev/null
docker run -d --name berth-demo-cache busybox:latest sleep 86400 >/dev/null
docker run --name berth-demo-migrate busybox:latest true >/dev/null
sleep 3

BERTH_BIN="$ROOT/target/release/berth" run_isolated node tests/e2e/screenshots.mjs "$ROOT/docs"
echo "wrote docs/containers-light.png and docs/containers-dark.png"
