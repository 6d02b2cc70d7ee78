#!/usr/bin/env bash
# Builds the training worker a second time, with wasm threads, into <site>/threads/.
#
# Trunk runs this after every build of the full site (a post_build hook in Trunk.toml, so
# `trunk serve` and scripts/build-site.sh both get it); it writes into Trunk's staging folder.
# By hand: scripts/build-threads.sh <site folder>.
#
# Why a second build: wasm threads need std rebuilt with atomics and a memory shared between
# Web Workers, and such a module only runs on a cross-origin isolated page. Trunk builds every
# binary with one set of flags, so the plain worker (for pages that are not isolated, such as
# an embed on someone's blog) comes from Trunk and this one from cargo and wasm-bindgen directly.
# The page picks one when training starts (app/worker_client.rs).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
# The light embed build (scripts/build-site.sh) trains nothing in a worker.
if [ "${STEPWISE_LIGHT:-0}" = "1" ]; then exit 0; fi
SITE="${1:-${TRUNK_STAGING_DIR:?give the site folder}}"
PROFILE="${TRUNK_PROFILE:-release}"
OUT="$SITE/threads"
TARGET_DIR="$REPO/target/threads"
cd "$REPO"

log "threaded training worker: cargo build ($PROFILE, atomics, std rebuilt)"
# build-std needs a nightly cargo; RUSTC_BOOTSTRAP=1 lets the stable one (and Debian's) act so.
# These flags replace .cargo/config.toml's for this build, so they repeat its two --cfg flags.
export RUSTC_BOOTSTRAP=1
export RUSTUP_TOOLCHAIN="${RUSTUP_TOOLCHAIN:-$(wasm_toolchain)}"
# The link arguments make the memory shared, imported (so every helper gets the same one) and at
# most 1 GiB, and export the thread-local storage hooks wasm-bindgen's thread start-up calls.
RUSTFLAGS='-C target-feature=+atomics,+bulk-memory,+mutable-globals,+simd128 --cfg getrandom_backend="wasm_js" --cfg erase_components'
for arg in --shared-memory --import-memory --max-memory=1073741824 \
  --export=__wasm_init_tls --export=__tls_size --export=__tls_align --export=__tls_base; do
  RUSTFLAGS+=" -C link-arg=$arg"
done
export RUSTFLAGS
release=()
[ "$PROFILE" = "release" ] && release=(--release)
mkdir -p "$TARGET_DIR"
# Its output goes to a log (it warns that `atomics` is an unstable target feature on each run),
# shown in full when the build fails.
if ! cargo build "${release[@]}" --target wasm32-unknown-unknown --bin trainer --features threads \
  -Z build-std=std,panic_abort --target-dir "$TARGET_DIR" >"$TARGET_DIR/build.log" 2>&1; then
  cat "$TARGET_DIR/build.log" >&2
  echo "the threaded training worker did not build (log above)" >&2
  exit 1
fi
WASM="$TARGET_DIR/wasm32-unknown-unknown/$PROFILE/trainer.wasm"

# --target web: wasm-bindgen-rayon starts its helper Workers as ES modules.
rm -rf "$OUT"
wasm-bindgen --target web --no-typescript --out-dir "$OUT" "$WASM"
if [ "$PROFILE" = "release" ]; then
  wasm-opt -O3 --enable-threads --enable-bulk-memory --enable-simd --enable-mutable-globals \
    --enable-nontrapping-float-to-int --enable-sign-ext --enable-reference-types --enable-multivalue \
    "$OUT/trainer_bg.wasm" -o "$OUT/trainer_bg.wasm"
fi
cp "$REPO/www/trainer_threads_loader.js" "$OUT/loader.js"
log "threaded training worker: $(du -k "$OUT/trainer_bg.wasm" | cut -f1) KB in $OUT"

# The site is complete: name the service worker's cache after it.
bash "$REPO/scripts/stamp-sw.sh" "$SITE"
