#!/usr/bin/env bash
# Builds the static site into dist/ for any static host. Usage: scripts/build-site.sh [public-url]
# e.g. scripts/build-site.sh /stepwise/ for https://example.github.io/stepwise/
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
PUBLIC_URL="${1:-/}"
cd "$REPO"
log "trunk build --release --public-url $PUBLIC_URL"
RUSTUP_TOOLCHAIN="$(wasm_toolchain)" trunk build --release --public-url "$PUBLIC_URL"
# Static hosts answer unknown paths with 404.html: serving the app there makes deep links work.
cp dist/index.html dist/404.html
