# Stratus build, test and packaging.
#   make test   installs what the tests need (a Python venv with moto) and runs every test
#   make dist   builds the plugin folder dist/ (release backend, plugin.json, logo)

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

.PHONY: test lint unit dist venv clean

$(VENV)/.installed: tests/requirements.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r tests/requirements.txt
	touch $@

venv: $(VENV)/.installed

lint:
	cargo fmt --check
	cargo clippy --all-targets -- -D warnings

test: venv lint
ifeq ($(NEXTEST),yes)
	STRATUS_PYTHON=$(PYTHON) cargo nextest run --no-fail-fast
else
	STRATUS_PYTHON=$(PYTHON) cargo test --no-fail-fast
endif

dist:
	cargo build --release --target $(TARGET)
	rm -rf dist && mkdir -p dist/img
	cp plugin.json dist/plugin.json
	cp img/logo.svg dist/img/logo.svg
	install -m 0755 target/$(TARGET)/release/gpx_stratus dist/gpx_stratus_$(GOOS_GOARCH)

clean:
	rm -rf dist $(VENV)
