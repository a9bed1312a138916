# Stratus build, test and packaging.
#   make test   installs what the tests need (a Python venv with moto, the frontend's npm
#               packages, Debian's chromium, docker-compose, tinyproxy and stunnel4, cargo-deny)
#               and runs every test
#   make dist   builds the plugin folder dist/ (release backend, module.js, plugin.json, logo,
#               README)
#   make bench  runs the benchmarks and writes bench/results.md (not part of make test)
#   make corpus runs the public dashboard corpus (../shared/reference/corpus) through the plugin

SHELL := /bin/bash
VENV := .venv
PYTHON := $(abspath $(VENV)/bin/python)
# The Rust target to build; defaults to this machine's. Another triple needs its toolchain.
TARGET ?= $(shell rustc -vV 2>/dev/null | sed -n 's/^host: //p')
# Cargo's output folder (CARGO_TARGET_DIR when set).
TARGET_DIR := $(or $(CARGO_TARGET_DIR),target)
# Where the plugin folder is laid out (the compose stack builds into a volume).
DIST ?= dist
VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
PACKAGE = stratus-cloudwatch-datasource-$(VERSION).$(firstword $(subst ., ,$(GOOS_GOARCH))).zip
# Grafana looks for <executable>_<os>_<arch>.
GOOS_GOARCH = $(strip \
	$(if $(findstring x86_64-unknown-linux,$(TARGET)),linux_amd64, \
	$(if $(findstring aarch64-unknown-linux,$(TARGET)),linux_arm64, \
	$(if $(findstring arm-unknown-linux,$(TARGET)),linux_arm, \
	$(if $(findstring x86_64-apple-darwin,$(TARGET)),darwin_amd64, \
	$(if $(findstring aarch64-apple-darwin,$(TARGET)),darwin_arm64, \
	$(if $(findstring x86_64-pc-windows,$(TARGET)),windows_amd64.exe, \
	$(error unknown TARGET $(TARGET)))))))))
NEXTEST := $(shell cargo nextest --version >/dev/null 2>&1 && echo yes)

.PHONY: bench bench-wire bench-twin bench-record bench-profile corpus fuzz deny load test lint dist dist-backend dist-frontend package venv npm chromium docker-compose network-peers test-backend test-frontend clean

$(VENV)/.installed: tests/requirements.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r tests/requirements.txt
	touch $@

venv: $(VENV)/.installed

# package.json pins @swc/core and rollup (overrides) to versions whose every platform build the
# package registry serves: npm ci refuses a lockfile that lacks other platforms' builds.
frontend/node_modules/.installed: frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund
	touch $@

npm: frontend/node_modules/.installed

# The browser tests use Debian's Chromium; npm never downloads a browser.
chromium:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

# Real network peers for the proxy and TLS tests: an HTTP proxy, a TLS front, openssl for the
# test's private CA.
network-peers:
	@command -v tinyproxy >/dev/null && command -v stunnel4 >/dev/null && command -v openssl >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tinyproxy stunnel4 openssl; }

# Debian's docker-compose validates docker-compose.yaml (no Docker engine runs here).
docker-compose:
	@command -v docker-compose >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-compose; }

# Licences, banned crates and sources of every dependency (deny.toml).
deny:
	@command -v cargo-deny >/dev/null || cargo install cargo-deny --locked
	cargo deny --log-level error check licenses bans sources

lint: npm deny
	cargo fmt --check
	cargo clippy --all-targets -- -D warnings
	cargo clippy --test corpus -- -D warnings
	# The fuzz targets checked in the plugin's target folder: most dependencies are already
	# checked there (cargo fuzz itself builds in fuzz/target, with sanitizer flags).
	cargo check --quiet --locked --manifest-path fuzz/Cargo.toml --bins --target-dir $(TARGET_DIR)
	# Type-checked against the packages of the Grafana it is built for and of the oldest Grafana
	# plugin.json allows (tsconfig.oldest.json).
	cd frontend && npx tsc --noEmit && npx tsc --noEmit -p tsconfig.oldest.json && npx eslint src tests

# The packaging test unpacks the release zip, so the package is built first.
test-backend: venv docker-compose network-peers package
ifeq ($(NEXTEST),yes)
	STRATUS_PYTHON=$(PYTHON) STRATUS_PACKAGE=$(abspath $(PACKAGE)) cargo nextest run --no-fail-fast
else
	STRATUS_PYTHON=$(PYTHON) STRATUS_PACKAGE=$(abspath $(PACKAGE)) cargo test --no-fail-fast
endif
	$(MAKE) corpus CORPUS=tests/fixtures/dashboards CORPUS_MIN_COMPLETE=2

test-frontend: npm chromium
	cd frontend && npm test && npm run test:browser

test: lint test-backend test-frontend

# The public dashboard corpus, outside the repository (GPL-3.0): every dashboard's variables
# and panels run through the plugin; prints how many work end to end (tests/corpus.rs).
CORPUS ?= ../shared/reference/corpus
CORPUS_MIN_COMPLETE ?= 0
corpus: venv
	STRATUS_PYTHON=$(PYTHON) STRATUS_CORPUS=$(abspath $(CORPUS)) STRATUS_CORPUS_MIN_COMPLETE=$(CORPUS_MIN_COMPLETE) \
		cargo test --locked --test corpus

# Fuzz each target for FUZZ_SECONDS on the stable toolchain (cargo fuzz needs nightly flags,
# which RUSTC_BOOTSTRAP allows). New inputs go to fuzz/corpus/, crashes to fuzz/artifacts/.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := settings query resources variables annotations logs
fuzz:
	@command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
	@for t in $(FUZZ_TARGETS); do \
		mkdir -p fuzz/corpus/$$t; \
		(cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run $$t corpus/$$t seeds/$$t -- -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=4096) || exit 1; \
	done

# The full load run: 10,000 requests at concurrency 64 (make test runs 2,000).
load: venv
	STRATUS_PYTHON=$(PYTHON) STRATUS_LOAD_REQUESTS=10000 cargo test --test load -- --nocapture

# Criterion's estimates, which the system benchmark reads back into bench/results.md.
CRITERION_HOME := $(abspath $(TARGET_DIR))/criterion

# The micro benchmarks (criterion) and their floors first, then the macro, economy and process
# figures; writes bench/results.md and fails when an AWS call count exceeds its floor.
bench: venv bench-wire
	CRITERION_HOME=$(CRITERION_HOME) cargo bench --locked --bench micro
	CRITERION_HOME=$(CRITERION_HOME) STRATUS_PYTHON=$(PYTHON) STRATUS_WIRE=$(WIRE)/summary.json \
		cargo bench --locked --bench system

# The wire protocol decision: aws-sdk-cloudwatch 1.99.0 (the plugin's, XML) and the current one
# (CBOR) decoding the same GetMetricData answer, in alternating rounds (bench/wire/, two crates
# of their own: one build cannot hold both versions).
WIRE := $(abspath $(TARGET_DIR))/wire
bench-wire:
	cargo build --release --locked --manifest-path bench/wire/xml/Cargo.toml --target-dir $(WIRE)
	cargo build --release --locked --manifest-path bench/wire/cbor/Cargo.toml --target-dir $(WIRE)
	$(WIRE)/release/wire-cbor $(WIRE)/release/wire-xml bench/recordings/getmetricdata.jsonl.gz 5 20 $(WIRE)/summary.json

# Records again, from moto, the GetMetricData answer the macro benchmark replays and the
# 10,000-row Logs Insights answer of the logs CPU figure (bench/recordings/); needed when the
# plugin's request for the bench dashboard changes.
bench-record: venv
	STRATUS_PYTHON=$(PYTHON) cargo bench --locked --bench system -- --record
	$(MAKE) bench-twin

# The CBOR twin of the recorded GetMetricData exchange, which the plugin's benchmarks and
# tests/queries.rs replay: the answer encoded by the SDK's own CBOR encoder, the request as the
# current SDK serializes the recorded one (bench/wire/cbor/src/twin.rs).
bench-twin:
	cargo build --release --locked --manifest-path bench/wire/xml/Cargo.toml --target-dir $(WIRE)
	cargo build --release --locked --manifest-path bench/wire/cbor/Cargo.toml --target-dir $(WIRE)
	$(WIRE)/release/wire-cbor $(WIRE)/release/wire-xml bench/recordings/getmetricdata.jsonl.gz twin bench/recordings/getmetricdata-cbor.jsonl.gz

# Where a refresh's CPU goes: the plugin built with symbols and frame pointers (a target folder
# of its own, so the shipped build is untouched) answers the one-at-a-time refresh and logs
# figures (`--cpu-only`) under Linux perf; the call graphs land in $(PROFILE)/perf.data and a
# flat report in $(PROFILE)/report.txt, by thread name: the plugin's are gpx_stratus, the
# benchmark's floor calls tokio-rt-worker. Needs perf (Debian's linux-perf).
PROFILE := $(abspath $(TARGET_DIR))/profile
bench-profile: venv
	CARGO_PROFILE_RELEASE_STRIP=false CARGO_PROFILE_RELEASE_DEBUG=line-tables-only \
		RUSTFLAGS="-C force-frame-pointers=yes" \
		cargo build --release --locked --bin gpx_stratus --target-dir $(PROFILE)
	cargo bench --locked --bench system --no-run
	STRATUS_PLUGIN_BIN=$(PROFILE)/release/gpx_stratus STRATUS_PYTHON=$(PYTHON) \
		perf record -F 999 -g -o $(PROFILE)/perf.data -- \
		cargo bench --locked --bench system -- --cpu-only
	perf report -i $(PROFILE)/perf.data --no-children --sort comm,dso,sym --percent-limit 0.05 \
		--stdio -g none > $(PROFILE)/report.txt

dist:
	rm -rf $(DIST)/*
	$(MAKE) dist-backend dist-frontend dist-static

dist-backend:
	cargo build --release --locked --target $(TARGET)
	mkdir -p $(DIST)
	install -m 0755 $(TARGET_DIR)/$(TARGET)/release/gpx_stratus $(DIST)/gpx_stratus_$(GOOS_GOARCH)

dist-frontend: npm
	cd frontend && STRATUS_DIST=$(abspath $(DIST)) npm run build

dist-static:
	mkdir -p $(DIST)/img
	cp plugin.json README.md $(DIST)/
	cp img/logo.svg $(DIST)/img/logo.svg

# Grafana's release layout: a zip holding the folder stratus-cloudwatch-datasource/, and its sha256.
package: dist
	rm -rf target/package $(PACKAGE) $(PACKAGE).sha256
	mkdir -p target/package
	cp -a $(DIST) target/package/stratus-cloudwatch-datasource
	cd target/package && zip -qr -X $(abspath $(PACKAGE)) stratus-cloudwatch-datasource
	sha256sum $(PACKAGE) > $(PACKAGE).sha256

clean:
	rm -rf dist $(VENV) frontend/node_modules frontend/.harness frontend/test-results
