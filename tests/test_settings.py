"""Start-up refuses bad or missing production settings with a clear message."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOOD_KEY = "k" * 60


def start(**env):
    """Load the real settings module in a fresh interpreter with only `env` set."""
    clean = {key: value for key, value in os.environ.items()
             if key not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    return subprocess.run(
        [sys.executable, "-c", "import wirfunding.settings as s; print(s.DEBUG, s.DATABASES['default']['ENGINE'])"],
        cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=60,
    )


def test_production_without_secret_key_refuses_to_start():
    result = start(ALLOWED_HOSTS="foerderung.example.de")
    assert result.returncode != 0
    assert "SECRET_KEY ist nicht gesetzt" in result.stderr


def test_production_with_short_secret_key_refuses_to_start():
    result = start(SECRET_KEY="kurz", ALLOWED_HOSTS="foerderung.example.de")
    assert result.returncode != 0
    assert "mindestens 50" in result.stderr


def test_production_without_allowed_hosts_refuses_to_start():
    result = start(SECRET_KEY=GOOD_KEY)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS ist nicht gesetzt" in result.stderr


def test_unreadable_debug_value_refuses_to_start():
    result = start(DEBUG="vielleicht", SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS="x")
    assert result.returncode != 0
    assert "DEBUG='vielleicht' ist kein Wahrheitswert" in result.stderr


@pytest.mark.parametrize("value, message", [
    ("-1", "NOTICE_MAX_DAYS_AHEAD=-1 darf nicht negativ sein"),
    ("eine Woche", "NOTICE_MAX_DAYS_AHEAD='eine Woche' ist keine ganze Zahl"),
])
def test_unreadable_notice_days_ahead_refuse_to_start(value, message):
    result = start(DEBUG="true", NOTICE_MAX_DAYS_AHEAD=value)
    assert result.returncode != 0
    assert message in result.stderr


def test_development_needs_nothing_and_uses_sqlite():
    result = start(DEBUG="true")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "django.db.backends.sqlite3"]


@pytest.mark.parametrize("url, engine", [
    ("postgres://wir:geheim@db.example:5432/wirfunding", "django.db.backends.postgresql"),
    ("sqlite:////tmp/wir.sqlite3", "django.db.backends.sqlite3"),
])
def test_database_url_selects_the_database(url, engine):
    result = start(SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS="x", DATABASE_URL=url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", engine]


def test_manage_py_names_the_configuration_error_instead_of_a_traceback():
    clean = {key: value for key, value in os.environ.items()
             if key not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=clean,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.startswith("Konfigurationsfehler: SECRET_KEY ist nicht gesetzt")
    assert "Traceback" not in result.stderr


def test_cache_url_gives_every_app_server_one_shared_redis_cache():
    """Several app servers count password-reset requests in one place only with a shared cache."""
    code = "import wirfunding.settings as s; c = s.CACHES['default']; print(c['BACKEND'], c.get('LOCATION', '-'))"
    clean = {key: value for key, value in os.environ.items() if key not in {"DJANGO_SETTINGS_MODULE", "CACHE_URL"}}
    shared = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                            env={**clean, "DEBUG": "true", "CACHE_URL": "redis://cache.example:6379/2"})
    alone = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                           env={**clean, "DEBUG": "true"})
    assert shared.stdout.split() == ["django.core.cache.backends.redis.RedisCache", "redis://cache.example:6379/2"]
    assert alone.stdout.split()[0] == "django.core.cache.backends.locmem.LocMemCache"
