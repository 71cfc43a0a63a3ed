#!/usr/bin/env bash
# Runs a command against a throwaway PostgreSQL 15 cluster on loopback:
# initdb in a temp dir, its own port, DATABASE_URL exported, and the cluster
# stopped and removed at exit, even when the command fails or is interrupted.
set -euo pipefail
pgbin=/usr/lib/postgresql/15/bin
if [ ! -x "$pgbin/initdb" ]; then
  "$(dirname "$0")/apt-install.sh" postgresql-15
fi

tmp=$(mktemp -d /tmp/lnob-pg.XXXXXX)
run() { "$@"; }
if [ "$(id -u)" -eq 0 ]; then
  # initdb refuses to run as root: the cluster belongs to the postgres user.
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  chown postgres "$tmp"
  run() { runuser -u postgres -- "$@"; }
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

cleanup() {
  run "$pgbin/pg_ctl" -D "$tmp/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

run "$pgbin/initdb" -D "$tmp/data" -U lnob -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
run "$pgbin/pg_ctl" -D "$tmp/data" -l "$tmp/server.log" -w -t 60 start -o \
  "-p $port -k $tmp -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >/dev/null \
  || { cat "$tmp/server.log" >&2; exit 1; }
"$pgbin/createdb" -h 127.0.0.1 -p "$port" -U lnob lnob

export DATABASE_URL="postgres://lnob@127.0.0.1:$port/lnob"
echo "PostgreSQL $("$pgbin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (removed at exit)"
set +e
"$@"
status=$?
set -e
exit $status
