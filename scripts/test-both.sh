#!/usr/bin/env bash
# `make test`: the whole suite on SQLite and on PostgreSQL 15 at the same time
# (pytest runs on one core; the machine has two), each into its own log,
# printed whole once both have finished. Fails if either fails, including
# pytest's exit 5 ("no tests ran").
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p var
BIN=.venv/bin
ARGS=${PYTEST_ARGS:-}
# shellcheck disable=SC2086  # PYTEST_ARGS is a list of words
env -u DATABASE_URL "$BIN/pytest" $ARGS > var/test-sqlite.log 2>&1 &
sqlite=$!
# shellcheck disable=SC2086
scripts/with-postgres.sh "$BIN/pytest" $ARGS > var/test-postgres.log 2>&1 &
postgres=$!
wait "$sqlite"; sqlite_rc=$?
wait "$postgres"; postgres_rc=$?
echo "== test suite on SQLite (exit $sqlite_rc)"
cat var/test-sqlite.log
echo "== test suite on PostgreSQL 15 (exit $postgres_rc)"
cat var/test-postgres.log
echo "== SQLite: exit $sqlite_rc · PostgreSQL 15: exit $postgres_rc"
[ "$sqlite_rc" -eq 0 ] && [ "$postgres_rc" -eq 0 ]
