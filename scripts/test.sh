#!/usr/bin/env bash
# Everything `make test` runs, in order; stops at the first failure with a clear message.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
started=$SECONDS
trap 'rc=$?; [ $rc -ne 0 ] && printf "\n\033[31mmake test FAILED (exit %s) after %ss\033[0m\n" "$rc" "$((SECONDS-started))"' EXIT

bash scripts/setup.sh test

step "Format (cargo fmt --check, leptosfmt --check for the view! macros)"
cargo fmt --all -- --check
leptosfmt --check --quiet src

step "Lint server (clippy --features ssr, -D warnings)"
cargo clippy --features ssr --all-targets -- -D warnings

step "Lint browser part (clippy --features hydrate on wasm32, -D warnings)"
cargo clippy --lib --target wasm32-unknown-unknown --no-default-features --features hydrate -- -D warnings

# PostgreSQL: mandatory in CI, skipped with a clear message elsewhere when not reachable.
PG_ADMIN_URL="${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
export TEST_POSTGRES_URL="$PG_ADMIN_URL"
pg_up() { pg_isready -q -d "$PG_ADMIN_URL" 2>/dev/null; }
if ! pg_up && [ -d /etc/postgresql ]; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start 2>/dev/null || true
  for _ in $(seq 1 20); do pg_up && break; sleep 0.5; done
fi

step "Unit and integration tests (operations tests use PostgreSQL and nginx)"
# One integration-test binary (tests/it); its database tests run below, once per backend.
cargo test --features ssr --lib --bins --test it -- --skip sqlite:: --skip postgres::

step "Course content check (seepferdchen content check)"
cargo run --quiet --features ssr --bin seepferdchen -- content check

run_db_tests() { # backend → prints the number of passed tests
  local log; log="$(mktemp)"
  cargo test --features ssr --test it -- "$1::" --test-threads=4 2>&1 | tee "$log" >&2
  local rc=${PIPESTATUS[0]}
  [ "$rc" -eq 0 ] || { rm -f "$log"; return "$rc"; }
  grep -E '^test result:' "$log" | sed -E 's/.* ([0-9]+) passed.*/\1/' | tail -n1
  rm -f "$log"
}

step "Database tests on SQLite"
n_sqlite=$(run_db_tests sqlite)
if pg_up; then
  step "Database tests on PostgreSQL ($PG_ADMIN_URL)"
  psql -q -d "$PG_ADMIN_URL" -Atc "SELECT datname FROM pg_database WHERE datname LIKE 'seepferdchen_test_%'" |
    while read -r db; do psql -q -d "$PG_ADMIN_URL" -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)"; done
  n_pg=$(run_db_tests postgres)
elif [ "${CI:-}" = true ]; then
  die "PostgreSQL is not reachable at $PG_ADMIN_URL; with CI=true the PostgreSQL tests are mandatory"
else
  printf '\033[33mPostgreSQL not reachable at %s: PostgreSQL database tests SKIPPED (set TEST_POSTGRES_URL)\033[0m\n' "$PG_ADMIN_URL"
  n_pg="skipped"
fi
printf '\nDatabase tests: %s passed on SQLite, %s on PostgreSQL\n' "$n_sqlite" "$n_pg"

step "Building the site for the end-to-end tests"
bash scripts/build.sh

step "End-to-end tests (Playwright, Chromium: islands live and without JavaScript)"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
E2E_PORT="$(free_port)"
# A second server whose clock the coordination test moves (TEST_CLOCK_FILE).
E2E_CLOCK_PORT="$(free_port)"
while [ "$E2E_CLOCK_PORT" = "$E2E_PORT" ]; do E2E_CLOCK_PORT="$(free_port)"; done
# A third server that sends mail, and the real SMTP server it sends to (aiosmtpd).
E2E_MAIL_PORT="$(free_port)"
E2E_SMTP_PORT="$(free_port)"
# Single sign-on: a real OpenID provider (oidc-provider from npm) and a server using it.
E2E_OIDC_PORT="$(free_port)"
E2E_SSO_PORT="$(free_port)"
E2E_DIR="$(mktemp -d)"
# The shipped courses plus a small test course with known answers (end2end/fixtures).
mkdir -p "$E2E_DIR/content"
cp -r content/. "$E2E_DIR/content/"
cp -r end2end/fixtures/content/. "$E2E_DIR/content/"
E2E_CONTENT_DIR="$E2E_DIR/content"
export E2E_PORT E2E_CLOCK_PORT E2E_MAIL_PORT E2E_SMTP_PORT E2E_OIDC_PORT E2E_SSO_PORT E2E_DIR E2E_CONTENT_DIR SERVER_BIN="$(server_bin)"
(cd end2end && npx playwright test)
rm -rf "$E2E_DIR"

step "Benchmark smoke run (tiny sizes, no targets)"
BENCH_SMOKE=1 cargo test --features ssr --bench platform

printf '\n\033[32mmake test passed in %ss\033[0m\n' "$((SECONDS-started))"
