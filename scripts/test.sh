#!/usr/bin/env bash
# The whole test suite: lint and Django's checks, then pytest on SQLite and
# on a throwaway PostgreSQL server, side by side. Extra arguments go to pytest.
EXTRAS=dev source "$(dirname "$0")/venv.sh"
set +e
status=0
step() { echo; echo "==> $*"; }

step "ruff"
ruff check . && ruff format --check . || status=1
step "django checks"
python manage.py check --fail-level WARNING || status=1
python manage.py makemigrations --check --dry-run || status=1

# The two runs go side by side, one per core, each into its own log, shown whole when
# both have ended (PARALLEL=0: one after the other, as they go).
logs=test-artifacts/logs
mkdir -p "$logs"
sqlite_run() { DATABASE_URL= python -m pytest -o cache_dir=.pytest_cache/sqlite "$@"; }
postgres_run() {
  python scripts/throwaway_postgres.py -- \
    python -m pytest -o cache_dir=.pytest_cache/postgresql "$@"
}
if [ "${PARALLEL:-1}" = 0 ]; then
  step "pytest on SQLite"
  sqlite_run "$@"; sqlite_rc=$?
  step "pytest on PostgreSQL"
  postgres_run "$@"; pg_rc=$?
else
  step "pytest on SQLite and on PostgreSQL, side by side (logs: $logs/)"
  started=$SECONDS
  sqlite_run "$@" >"$logs/sqlite.log" 2>&1 &
  sqlite_pid=$!
  postgres_run "$@" >"$logs/postgresql.log" 2>&1 &
  pg_pid=$!
  wait $sqlite_pid; sqlite_rc=$?
  wait $pg_pid; pg_rc=$?
  step "pytest on SQLite"
  cat "$logs/sqlite.log"
  step "pytest on PostgreSQL"
  cat "$logs/postgresql.log"
  echo; echo "both runs took $(( (SECONDS - started) / 60 )) min $(( (SECONDS - started) % 60 )) s"
fi
if [ $pg_rc -eq 3 ]; then
  echo "PostgreSQL server binaries are not installed (Debian: apt-get install postgresql)."
fi
echo
echo "==> summary: sqlite=$([ $sqlite_rc -eq 0 ] && echo passed || echo "FAILED ($sqlite_rc)")" \
     "postgresql=$([ $pg_rc -eq 0 ] && echo passed || echo "FAILED ($pg_rc)")" \
     "checks=$([ $status -eq 0 ] && echo passed || echo FAILED)"
[ $sqlite_rc -eq 0 ] && [ $pg_rc -eq 0 ] && [ $status -eq 0 ]
