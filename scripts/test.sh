#!/usr/bin/env bash
# Runs every test: native cargo tests (engine, data, state), then the site built for a
# sub-path and the end-to-end suite in headless Chromium, once with WebGPU and once without.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bash "$REPO/scripts/setup.sh"
cd "$REPO"

log "native tests: cargo test"
cargo test

log "building the site under the sub-path /stepwise/"
bash "$REPO/scripts/build-site.sh" /stepwise/

log "end-to-end tests in headless Chromium (WebGPU on, then off)"
node --test --test-concurrency=1 tests/e2e/
