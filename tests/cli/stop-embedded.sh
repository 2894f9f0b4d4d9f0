#!/usr/bin/env bash
# Stops an embedded Elva cluster under $1 if it runs (test cleanup).
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -f "$1/pg/data/PG_VERSION" ] || exit 0
if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$pgbin/pg_ctl" -D "$1/pg/data" -m fast stop
else "$pgbin/pg_ctl" -D "$1/pg/data" -m fast stop; fi
