.PHONY: run test lint fmt loaddemo messages bench

run:        ## set up (venv, migrate, demo data, admin account) and run on SQLite
	bash scripts/run.sh

test:       ## the whole suite: checks, then pytest on SQLite and on PostgreSQL
	bash scripts/test.sh

lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check .

fmt:
	.venv/bin/ruff check --fix . && .venv/bin/ruff format .

loaddemo:
	.venv/bin/python manage.py loaddemo

messages:   ## refresh and compile the translation catalogues
	.venv/bin/python manage.py makemessages -l zh_Hans --ignore=.venv --ignore=staticfiles --ignore=test-artifacts --ignore=tests
	.venv/bin/python manage.py compilemessages --ignore=.venv
