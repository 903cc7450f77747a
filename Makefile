# Two commands set everything up on a fresh machine:
#   make run   – virtualenv, install, migrate, demo data, serve on http://127.0.0.1:8000
#   make test  – install test requirements, checks (Django, migrations, ruff, mypy), the whole test suite
#   make serve-prod – the production start (collectstatic, migrate, gunicorn) locally on plain http
# DATABASE_URL is honoured by both (default: SQLite file db.sqlite3 next to manage.py).
# Background work (README, "Hintergrundaufgaben"): with CELERY_BROKER_URL set (e.g. redis://127.0.0.1:6379/0)
#   make worker    – a Celery worker: e-mails from the outbox, ceremony bundles, notice archives
#   make beat      – the scheduler: pending e-mails every minute, deadline reminders every morning
# Without CELERY_BROKER_URL `make run` runs every task in the web process after commit.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
HOST   ?= 127.0.0.1
PORT   ?= 8000
# Test processes (pytest-xdist): one per core; TEST_WORKERS=0 runs the suite in one process.
TEST_WORKERS ?= auto

.PHONY: run test install install-dev migrate demo serve serve-prod worker beat check clean

$(PY):
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# The address in e-mails and in the calendar subscription follows HOST and PORT
# (`PORT=8201 make run` links to :8201) unless SITE_URL is set.
SITE_URL ?= http://$(HOST):$(PORT)

# `make run` is for trying the application: DEBUG defaults to on here (and only here).
run: export DEBUG ?= true
# The demo seals its notices with a generated test seal (var/demo-seal/, README "Schnittstellen").
run: export NOTICE_SEAL_DEMO ?= true
run: install migrate demo serve

migrate: $(VENV)/.installed
	$(PY) manage.py migrate --noinput

demo: $(VENV)/.installed
	$(PY) manage.py seed_demo

serve: export SITE_URL := $(SITE_URL)
serve: $(VENV)/.installed
	$(PY) manage.py runserver $(HOST):$(PORT)

# Production settings (DEBUG off, hashed and compressed static files, gunicorn, JSON logs) on this
# machine. Only what plain http on 127.0.0.1 needs differs from production: no redirect to https,
# cookies without the Secure flag (a browser would not send them back over http), a random
# SECRET_KEY for this run unless one is set (sessions end when it stops).
serve-prod: export DEBUG = false
serve-prod: export ALLOWED_HOSTS ?= 127.0.0.1,localhost
serve-prod: export SECURE_SSL_REDIRECT ?= false
serve-prod: export SESSION_COOKIE_SECURE ?= false
serve-prod: export CSRF_COOKIE_SECURE ?= false
serve-prod: export GUNICORN_BIND ?= $(HOST):$(PORT)
serve-prod: export SITE_URL := $(SITE_URL)
serve-prod: $(VENV)/.installed
	export SECRET_KEY="$${SECRET_KEY:-$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))')}" && \
	$(PY) manage.py collectstatic --noinput --verbosity 0 && \
	$(PY) manage.py migrate --noinput && \
	exec $(VENV)/bin/gunicorn -c deploy/gunicorn.conf.py

worker: $(VENV)/.installed
	@test -n "$$CELERY_BROKER_URL" || { echo "CELERY_BROKER_URL ist nicht gesetzt (z. B. redis://127.0.0.1:6379/0)." >&2; exit 2; }
	$(VENV)/bin/celery -A wirfunding worker --loglevel=INFO --concurrency=$${CELERY_CONCURRENCY:-2}

beat: $(VENV)/.installed
	@test -n "$$CELERY_BROKER_URL" || { echo "CELERY_BROKER_URL ist nicht gesetzt (z. B. redis://127.0.0.1:6379/0)." >&2; exit 2; }
	$(VENV)/bin/celery -A wirfunding beat --loglevel=INFO --schedule=$${CELERY_BEAT_SCHEDULE_FILE:-var/celerybeat-schedule}

check: export DJANGO_SETTINGS_MODULE = wirfunding.settings_test
check: $(VENV)/.installed-dev
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=wirfunding.settings DEBUG=false ALLOWED_HOSTS=foerderung.example.de \
	  SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))')" \
	  $(PY) manage.py check --deploy --fail-level WARNING
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy .

test: check
	$(VENV)/bin/pytest -n $(TEST_WORKERS)

clean:
	rm -rf $(VENV) db.sqlite3 var .pytest_cache .mypy_cache .ruff_cache

# Datensicherung (PostgreSQL): `make backup` schreibt var/backup/wirfunding-<Zeit>.dump;
# Rücksicherung mit Prüfung: bin/restore ARCHIV ZIEL-URL (README, „Dateiablage und Datensicherung“).
.PHONY: backup
backup: $(VENV)/.installed
	bin/backup
