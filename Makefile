# Berth's entry points. `make run` and `make test` do all setup on a fresh machine.
SHELL := /bin/bash
export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)

.PHONY: setup ui build release image release-test run test bench screenshots engine-start engine-stop clean

## Install build and test dependencies (idempotent).
setup:
	@bash scripts/setup.sh

## Build the UI into dist/ with Trunk.
ui: setup
	trunk build --release

## Build the release binary, with the UI embedded, at target/release/berth.
build: ui
	cargo build --release -p berth --locked

## Build static release binaries (musl, the UI embedded) for x86_64 and aarch64, at
## target/x86_64-unknown-linux-musl/release/berth and target/aarch64-unknown-linux-musl/release/berth.
release: ui
	@bash scripts/release.sh

## Build the container image berth:<version> and berth:latest from contrib/Dockerfile, on the
## engine at DOCKER_HOST (else the default socket, else Berth's private engine).
image: ui
	@bash scripts/image.sh

## Build both static binaries and test the aarch64 one under qemu-user-static (slow; not in `make test`).
release-test: ui
	@bash scripts/release-test.sh

## Build and start the console (starts a private engine when none is reachable).
run: build
	@bash scripts/run.sh

## Run the whole test suite: fmt, clippy, unit, integration and browser tests.
test:
	@bash scripts/test.sh

## Measure Berth against the engine used directly; writes BENCHMARKS.md.
bench: build
	@bash scripts/bench.sh
	@bash scripts/bench-ui.sh

## Refresh the README's screenshots in docs/.
screenshots: build
	@bash scripts/screenshots.sh

engine-start:
	@bash scripts/engine.sh start primary

engine-stop:
	@bash scripts/engine.sh stop primary

clean:
	cargo clean
	rm -rf dist
