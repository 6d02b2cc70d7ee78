#!/usr/bin/env bash
# The one command for a new user: install what is missing, build, and serve on 127.0.0.1:8080.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bash "$REPO/scripts/setup.sh"
cd "$REPO"
log "building and serving on http://127.0.0.1:8080 (first build takes a few minutes)"
RUSTUP_TOOLCHAIN="$(wasm_toolchain)" exec trunk serve --release --address 127.0.0.1 --port "${PORT:-8080}"
