#!/usr/bin/env bash
# Runs every test: native cargo tests (engine, data, state), then the site built for a
# sub-path and the end-to-end suite in headless Chromium, once with WebGPU and once without.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bash "$REPO/scripts/setup.sh"
cd "$REPO"

log "native tests: cargo test"
# Tests that need a GPU adapter and find none say so in this file (tests/common/mod.rs); cargo
# hides a passing test's output, so it is printed here, where the CI log shows it.
skipped="$REPO/target/tmp/skipped-without-gpu.txt"
rm -f "$skipped"
cargo test
if [ -s "$skipped" ]; then
  log "WARNING: $(wc -l < "$skipped") native tests found no GPU adapter and did not compare the CPU with WebGPU:"
  cat "$skipped"
else
  log "every native GPU test found an adapter"
fi

log "building the site under the sub-path /stepwise/"
bash "$REPO/scripts/build-site.sh" /stepwise/

log "end-to-end tests in headless Chromium (WebGPU on, then off)"
node --test --test-concurrency=1 tests/e2e/
