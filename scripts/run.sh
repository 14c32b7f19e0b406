#!/usr/bin/env bash
# Starts the server on SQLite (default data/seepferdchen.db) after `make run` has built it.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
DEMO_DATABASE_URL="sqlite://data/seepferdchen.db"
export DATABASE_URL="${DATABASE_URL:-$DEMO_DATABASE_URL}"
export BIND_ADDR="${BIND_ADDR:-127.0.0.1:3000}"
# Without a mail server the demo writes each mail as an .eml file into data/mail/ (the log
# names the file); with SMTP_URL set, mail goes to that server.
if [ -z "${SMTP_URL:-}" ]; then export MAIL_MODE="${MAIL_MODE:-file}"; fi
# Demo data (with its published password) only on the default demo database or when asked for
# with DEMO=1: a production database named by DATABASE_URL must never get the demo accounts.
if [ "$DATABASE_URL" = "$DEMO_DATABASE_URL" ] || [ "${DEMO:-}" = 1 ]; then
  step "Demodaten (nur bei leerer Datenbank)"
  "$(server_bin)" demo seed
else
  step "Keine Demodaten: $DATABASE_URL ist nicht die Demo-Datenbank"
  echo "Ersten Admin anlegen (einmalig):"
  echo "  $(server_bin) admin create --email admin@ihre-verwaltung.de --name 'Vorname Nachname'"
  echo "Demodaten trotzdem gewünscht (nur zum Ausprobieren): make run DEMO=1 DATABASE_URL=…"
fi
step "KI-Seepferdchen startet auf http://$BIND_ADDR (Datenbank: $DATABASE_URL)"
echo "Anmelden unter http://$BIND_ADDR/anmelden – beenden mit Strg+C."
[ "${MAIL_MODE:-}" = file ] && echo "E-Mails landen als .eml-Dateien in ${MAIL_DIR:-data/mail}/."
exec "$(server_bin)" serve
