#!/usr/bin/env bash
# Set up and run the site on its embedded default: SQLite, demo data, an admin
# account. Safe to run again: nothing is duplicated, no edit is undone and no
# password is reset.
source "$(dirname "$0")/venv.sh"
export DJANGO_DEBUG=${DJANGO_DEBUG:-1}
echo "==> preparing the database"
python manage.py migrate --noinput -v 0
# Last before the server starts: what was loaded and how to log in.
ADDRESS="${1:-127.0.0.1:8000}"
python manage.py setup_demo --address "$ADDRESS"
exec python manage.py runserver "$ADDRESS"
