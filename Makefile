# Two commands set everything up on a fresh machine:
#   make run   – virtualenv, install, migrate, demo data, serve on http://127.0.0.1:8000
#   make test  – install test requirements, checks (Django, migrations, ruff, mypy), the whole test suite
# DATABASE_URL is honoured by both (default: SQLite file db.sqlite3 next to manage.py).

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test install install-dev migrate demo serve check clean

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

# `make run` is for trying the application: DEBUG defaults to on here (and only here).
run: export DEBUG ?= true
run: install migrate demo serve

migrate: $(VENV)/.installed
	$(PY) manage.py migrate --noinput

demo: $(VENV)/.installed
	$(PY) manage.py seed_demo

serve: $(VENV)/.installed
	$(PY) manage.py runserver $(HOST):$(PORT)

check: export DJANGO_SETTINGS_MODULE = wirfunding.settings_test
check: $(VENV)/.installed-dev
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy .

test: check
	$(VENV)/bin/pytest

clean:
	rm -rf $(VENV) db.sqlite3 var .pytest_cache .mypy_cache .ruff_cache

# Datensicherung (PostgreSQL): `make backup` schreibt var/backup/wirfunding-<Zeit>.dump;
# Rücksicherung mit Prüfung: bin/restore ARCHIV ZIEL-URL (README, „Dateiablage und Datensicherung“).
.PHONY: backup
backup: $(VENV)/.installed
	bin/backup
