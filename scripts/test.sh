#!/usr/bin/env bash
# The whole test suite: lint and Django's checks, then pytest on SQLite and
# again on a throwaway PostgreSQL server. Extra arguments go to pytest.
EXTRAS=dev source "$(dirname "$0")/venv.sh"
set +e
status=0
step() { echo; echo "==> $*"; }

step "ruff"
ruff check . && ruff format --check . || status=1
step "django checks"
python manage.py check --fail-level WARNING || status=1
python manage.py makemigrations --check --dry-run || status=1

step "pytest on SQLite"
DATABASE_URL= python -m pytest "$@"
sqlite_rc=$?

step "pytest on PostgreSQL"
python scripts/throwaway_postgres.py -- python -m pytest "$@"
pg_rc=$?
if [ $pg_rc -eq 3 ]; then
  echo "PostgreSQL server binaries are not installed (Debian: apt-get install postgresql)."
fi

echo
echo "==> summary: sqlite=$([ $sqlite_rc -eq 0 ] && echo passed || echo "FAILED ($sqlite_rc)")" \
     "postgresql=$([ $pg_rc -eq 0 ] && echo passed || echo "FAILED ($pg_rc)")" \
     "checks=$([ $status -eq 0 ] && echo passed || echo FAILED)"
[ $sqlite_rc -eq 0 ] && [ $pg_rc -eq 0 ] && [ $status -eq 0 ]
