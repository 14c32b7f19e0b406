# Shared settings for the scripts (sourced, not run).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
export CARGO_TARGET_DIR="$TARGET_DIR"
SITE_ROOT="${SITE_ROOT:-$TARGET_DIR/site}"
export SITE_ROOT
SERVER_PROFILE="${SERVER_PROFILE:-debug}"
WASM_BINDGEN_VERSION="0.2.130"
LEPTOSFMT_VERSION="0.1.33"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export PATH="$HOME/.cargo/bin:$PATH"

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
die() { printf '\033[31mFEHLER / ERROR: %s\033[0m\n' "$*" >&2; exit 1; }

server_bin() {
  echo "$TARGET_DIR/$SERVER_PROFILE/seepferdchen"
}
