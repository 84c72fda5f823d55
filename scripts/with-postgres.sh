#!/usr/bin/env bash
# Run a command with a throwaway PostgreSQL cluster on 127.0.0.1 and
# TRIPLINE_TEST_POSTGRES_URL pointing at it. Without PostgreSQL binaries the command
# still runs; the PostgreSQL tests then skip (and fail under CI=true).
set -euo pipefail
PGBIN=""
for d in /usr/lib/postgresql/*/bin; do
  [ -x "$d/initdb" ] && PGBIN="$d"
done
if [ -z "$PGBIN" ] && command -v initdb >/dev/null 2>&1; then PGBIN="$(dirname "$(command -v initdb)")"; fi
if [ -z "$PGBIN" ] || [ -n "${TRIPLINE_TEST_POSTGRES_URL:-}" ]; then
  exec "$@"
fi
PORT="${TRIPLINE_TEST_PG_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
# The cluster lives in a directory of its own under the system temp dir, owned by the user that
# runs it: the checkout may sit where `postgres` cannot enter (/root/..., a 0700 temp dir).
# As root the cluster runs as `postgres`, which must be able to enter every directory above it:
# a TMPDIR of 0700 (or under /root) is not, so root's clusters always live under /tmp.
BASE="${TMPDIR:-/tmp}"
if [ "$(id -u)" = "0" ]; then BASE=/tmp; fi
ROOT="$(mktemp -d "$BASE/tripline-pgtest-$PORT.XXXXXX")"
chmod 0700 "$ROOT"
RUNAS=()
if [ "$(id -u)" = "0" ]; then
  id postgres >/dev/null 2>&1 || useradd -r -m postgres
  chown -R postgres "$ROOT"
  RUNAS=(runuser -u postgres --)
fi
# run as the cluster's owner from inside its directory (the caller's cwd may be closed to it)
pg() { (cd "$ROOT" && "${RUNAS[@]}" "$@"); }
pg "$PGBIN/initdb" -D "$ROOT/data" -U tripline -A trust --no-sync >/dev/null
pg "$PGBIN/pg_ctl" -D "$ROOT/data" -o "-p $PORT -k $ROOT -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" -l "$ROOT/log" -w start >/dev/null
cleanup() { pg "$PGBIN/pg_ctl" -D "$ROOT/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$ROOT"; }
trap cleanup EXIT
"$PGBIN/createdb" -h 127.0.0.1 -p "$PORT" -U tripline tripline_test
export TRIPLINE_TEST_POSTGRES_URL="postgresql+psycopg://tripline@127.0.0.1:$PORT/tripline_test"
"$@"
