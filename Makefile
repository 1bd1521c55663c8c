# Berth's entry points. `make run` and `make test` do all setup on a fresh machine.
SHELL := /bin/bash
export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)

.PHONY: setup ui build run test bench screenshots engine-start engine-stop clean

## Install build and test dependencies (idempotent).
setup:
	@bash scripts/setup.sh

## Build the UI into dist/ with Trunk.
ui: setup
	trunk build --release

## Build the release binary, with the UI embedded, at target/release/berth.
build: ui
	cargo build --release -p berth --locked

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
