# Stratus build, test and packaging.
#   make test   installs what the tests need (a Python venv with moto, the frontend's npm
#               packages, Debian's chromium) and runs every test
#   make dist   builds the plugin folder dist/ (release backend, module.js, plugin.json, logo)

SHELL := /bin/bash
VENV := .venv
PYTHON := $(abspath $(VENV)/bin/python)
TARGET ?= x86_64-unknown-linux-gnu
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

.PHONY: test lint dist dist-backend dist-frontend venv npm chromium test-backend test-frontend clean

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

lint: npm
	cargo fmt --check
	cargo clippy --all-targets -- -D warnings
	cd frontend && npx tsc --noEmit && npx eslint src tests

test-backend: venv
ifeq ($(NEXTEST),yes)
	STRATUS_PYTHON=$(PYTHON) cargo nextest run --no-fail-fast
else
	STRATUS_PYTHON=$(PYTHON) cargo test --no-fail-fast
endif

test-frontend: npm chromium
	cd frontend && npm test && npm run test:browser

test: lint test-backend test-frontend

dist:
	rm -rf dist
	$(MAKE) dist-backend dist-frontend
	cp plugin.json README.md dist/
	mkdir -p dist/img && cp img/logo.svg dist/img/logo.svg

dist-backend:
	cargo build --release --target $(TARGET)
	mkdir -p dist
	install -m 0755 target/$(TARGET)/release/gpx_stratus dist/gpx_stratus_$(GOOS_GOARCH)

dist-frontend: npm
	cd frontend && STRATUS_DIST=$(abspath dist) npm run build

clean:
	rm -rf dist $(VENV) frontend/node_modules frontend/.harness frontend/test-results
