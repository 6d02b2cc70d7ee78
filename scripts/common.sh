# Shared by the setup, serve, build and test scripts: paths and the Rust toolchain choice.
# Sourced, not run.

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$REPO/.tools"            # gitignored: remembers decisions between runs
mkdir -p "$TOOLS"
export PATH="$HOME/.cargo/bin:$REPO/node_modules/.bin:$PATH"
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp}"   # silences a harmless wgpu/Vulkan warning

log() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }

# The toolchain that builds the wasm app: "stable" where rustup can install the wasm32 target,
# "debian" (Debian's rustc-web, std built from source) where it cannot. setup.sh decides once
# and writes it to .tools/wasm-toolchain; STEPWISE_WASM_TOOLCHAIN overrides.
wasm_toolchain() {
  if [ -n "${STEPWISE_WASM_TOOLCHAIN:-}" ]; then echo "$STEPWISE_WASM_TOOLCHAIN"
  elif [ -f "$TOOLS/wasm-toolchain" ]; then cat "$TOOLS/wasm-toolchain"
  else echo "debian"; fi
}

# The wasm-bindgen version the lock file resolved: the CLI must match it exactly.
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$REPO/Cargo.lock"
}
