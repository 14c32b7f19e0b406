#!/usr/bin/env bash
# Installs what building (`build`) or testing (`test`) needs. Idempotent: each step checks first.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
what="${1:-build}"

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    die "need root for: $* (run it once by hand)"; fi
}

apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  if [ "${#missing[@]}" -gt 0 ]; then
    step "Installing Debian packages: ${missing[*]}"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}"
  fi
}

command -v cargo >/dev/null || die "cargo not found: install Rust with rustup first (https://rustup.rs)"
command -v npm >/dev/null || apt_install nodejs npm

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  step "Adding the Rust target wasm32-unknown-unknown (1–3 minutes; the download can be silent)"
  timeout 900 rustup target add wasm32-unknown-unknown
fi
rustup component list --installed | grep -q '^rustfmt' || rustup component add rustfmt clippy

if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
  step "Installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 4 minutes, once)"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

stamp="end2end/node_modules/.installed-from-lock"
if [ ! -f "$stamp" ] || [ end2end/package-lock.json -nt "$stamp" ]; then
  step "Installing npm packages (Playwright, axe-core, binaryen's wasm-opt)"
  (cd end2end && npm ci --no-audit --no-fund --loglevel=error)
  touch "$stamp"
fi

if [ "$what" = test ]; then
  # rustfmt leaves the bodies of view! macros alone; leptosfmt formats them.
  if [ "$(leptosfmt --version 2>/dev/null | awk '{print $2}')" != "$LEPTOSFMT_VERSION" ]; then
    step "Installing leptosfmt $LEPTOSFMT_VERSION (about 2 minutes, once)"
    cargo install leptosfmt --version "$LEPTOSFMT_VERSION" --locked
  fi
  # python3-aiosmtpd: the real SMTP server the mail tests send to.
  apt_install chromium poppler-utils qpdf zbar-tools nginx-light python3-aiosmtpd
  # The independent certificate verifier in the tests (scripts/verify_certificate.py).
  if ! python3 -c 'import cryptography' 2>/dev/null; then
    step "Installing Python's cryptography (for the independent certificate check)"
    python3 -m pip install --quiet cryptography || apt_install python3-cryptography
  fi
  if [ ! -x /usr/bin/chromium ]; then die "/usr/bin/chromium missing after install"; fi
fi
