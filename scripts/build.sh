#!/usr/bin/env bash
# Builds the server binary and the site (wasm + JS + CSS + public files) without cargo-leptos:
# exactly its steps, with Debian-free tools (wasm-bindgen from crates.io, wasm-opt from npm).
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

profile_flag=()
[ "$SERVER_PROFILE" = release ] && profile_flag=(--release)

step "Building the server (cargo build --features ssr, $SERVER_PROFILE)"
cargo build --features ssr --bin seepferdchen "${profile_flag[@]}"

step "Building the browser part (wasm, profile wasm-release)"
cargo build --lib --target wasm32-unknown-unknown --no-default-features --features hydrate \
  --profile wasm-release

pkg="$SITE_ROOT/pkg"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
wasm-bindgen --target web --no-typescript --out-dir "$tmp" --out-name seepferdchen \
  "$TARGET_DIR/wasm32-unknown-unknown/wasm-release/seepferdchen.wasm"

step "Optimising the wasm (wasm-opt -Oz, binaryen 132)"
end2end/node_modules/.bin/wasm-opt -Oz \
  --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue \
  -o "$tmp/seepferdchen_bg.opt.wasm" "$tmp/seepferdchen_bg.wasm"
mv "$tmp/seepferdchen_bg.opt.wasm" "$tmp/seepferdchen_bg.wasm"

# Content-hashed names: browsers keep these files for a year without asking again
# (Cache-Control: immutable), and a new build has new names, so a page never meets an old wasm.
# One hash over all three; the server reads the name from pkg/assets.txt.
cp style/main.css "$tmp/seepferdchen.css"
hash="$(cat "$tmp/seepferdchen.js" "$tmp/seepferdchen_bg.wasm" "$tmp/seepferdchen.css" | sha256sum | cut -c1-16)"
name="seepferdchen.$hash"
rm -rf "$SITE_ROOT"
mkdir -p "$pkg"
cp "$tmp/seepferdchen.js" "$pkg/$name.js"
cp "$tmp/seepferdchen_bg.wasm" "$pkg/${name}_bg.wasm"
cp "$tmp/seepferdchen.css" "$pkg/$name.css"
echo "$name" > "$pkg/assets.txt"
cp -r public/. "$SITE_ROOT/"
node scripts/precompress.mjs "$pkg"
step "Site ready in $SITE_ROOT"
ls -l "$pkg"
