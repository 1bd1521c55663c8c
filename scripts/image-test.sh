#!/usr/bin/env bash
# The container image on the test engine, for `make test`: builds it (scripts/image.sh), runs it
# as the README says, with the engine's socket mounted, the socket's group added, an anonymous
# volume on /data and its port published on loopback, waits for the engine to call it healthy
# (the image's HEALTHCHECK, `berth health`), adds an admin and a token with `docker exec`, then
# drives it with tests/e2e/image.mjs: the UI in Chromium, and the docker CLI through its gateway.
#
#   BERTH_TEST_DOCKER_HOST=unix:///run/berth-engines/primary/docker.sock scripts/image-test.sh
set -euo pipefail
source "$(dirname "$0")/lib.sh"
enter_repo

export DOCKER_HOST=${BERTH_TEST_DOCKER_HOST:?set BERTH_TEST_DOCKER_HOST to the test engine}
socket=${DOCKER_HOST#unix://}
name=berth-image-test-$$
# The sign-in password of tests/e2e/support.mjs.
password="correct horse battery staple"

bash scripts/image.sh

cleanup() {
  docker rm -f -v "$name" >/dev/null 2>&1 || true
}
trap cleanup EXIT

say "running berth:latest as $name"
# The image's health check runs every 30 s; once a second here, so the wait is short.
docker run -d --name "$name" \
  -v "$socket:/var/run/docker.sock" --group-add "$(stat -c %g "$socket")" \
  -p 127.0.0.1::8080 --health-interval 1s berth:latest >/dev/null

deadline=$((SECONDS + 60))
status=starting
while [ "$status" != healthy ]; do
  status=$(docker inspect --format '{{.State.Status}} {{.State.Health.Status}}' "$name")
  case "$status" in
    "running healthy") status=healthy ;;
    "running starting") ;;
    *)
      echo "image-test: $name is $status" >&2
      docker logs "$name" >&2 || true
      exit 1
      ;;
  esac
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "image-test: $name was not healthy within 60 s" >&2
    docker inspect --format '{{json .State.Health}}' "$name" >&2
    exit 1
  fi
  [ "$status" = healthy ] || sleep 0.5
done
echo "    healthy after $((SECONDS + 60 - deadline)) s"

docker exec -i "$name" /berth user add --username admin --role admin --password-stdin \
  <<<"$password" >/dev/null
token=$(docker exec "$name" /berth token create --user admin --name image-test | tail -n 1)
address=$(docker port "$name" 8080/tcp | head -n 1)

BERTH_TEST_IMAGE_ADDRESS=$address BERTH_TEST_IMAGE_CONTAINER=$name BERTH_TEST_IMAGE_TOKEN=$token \
  bash scripts/e2e.sh tests/e2e/image.mjs
