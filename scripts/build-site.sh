#!/usr/bin/env bash
# Builds the static site into dist/ for any static host. Usage: scripts/build-site.sh [public-url]
# e.g. scripts/build-site.sh /stepwise/ for https://example.github.io/stepwise/
# STEPWISE_DIST=/some/dir builds there instead of dist/ (two builds side by side; the e2e suite
# reads the same variable).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
PUBLIC_URL="${1:-/}"
DIST="${STEPWISE_DIST:-$REPO/dist}"
cd "$REPO"
log "trunk build --release --public-url $PUBLIC_URL"
RUSTUP_TOOLCHAIN="$(wasm_toolchain)" trunk build --release --public-url "$PUBLIC_URL" --dist "$DIST"
# Static hosts answer unknown paths with 404.html: serving the app there makes deep links work.
cp "$DIST/index.html" "$DIST/404.html"
