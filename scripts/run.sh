#!/usr/bin/env bash
# Starts the server on SQLite (default data/seepferdchen.db) after `make run` has built it.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
export DATABASE_URL="${DATABASE_URL:-sqlite://data/seepferdchen.db}"
export BIND_ADDR="${BIND_ADDR:-127.0.0.1:3000}"
step "Demodaten (nur bei leerer Datenbank)"
"$(server_bin)" demo seed
step "KI-Seepferdchen startet auf http://$BIND_ADDR (Datenbank: $DATABASE_URL)"
echo "Anmelden unter http://$BIND_ADDR/anmelden – beenden mit Strg+C."
exec "$(server_bin)" serve
