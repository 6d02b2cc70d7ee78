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

# The light embed build: the same app without Cargo's default `full` feature (no MNIST, GAN or
# text lessons, no Lab, no WebGPU), so an iframe showing one small widget downloads far less.
# Each light widget gets its own entry page, embed/<id>/index.html, which static hosts (and
# tests/e2e/serve.mjs) serve for /embed/<id>; every other embed keeps the full app. The light
# build's files have their own content hashes, so both builds' files sit side by side in dist/.
LIGHT_WIDGETS="stepper optimiser-race entropy softmax gaussians activations losses checker"
LIGHT="$REPO/target/light-dist"
log "trunk build --release --no-default-features (light embeds: $LIGHT_WIDGETS)"
STEPWISE_LIGHT=1 RUSTUP_TOOLCHAIN="$(wasm_toolchain)" trunk build --release --no-default-features --public-url "$PUBLIC_URL" --dist "$LIGHT"
for file in "$LIGHT"/*.js "$LIGHT"/*.wasm "$LIGHT"/*.css; do
  [ -e "$DIST/$(basename "$file")" ] || cp "$file" "$DIST/"
done
for id in $LIGHT_WIDGETS; do
  mkdir -p "$DIST/embed/$id"
  cp "$LIGHT/index.html" "$DIST/embed/$id/index.html"
done
# The light build's files are part of this build too: name the service worker's cache again.
bash "$REPO/scripts/stamp-sw.sh" "$DIST"
