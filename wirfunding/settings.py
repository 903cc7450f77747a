"""Settings for wirfunding, read from the environment (see README, "Konfiguration").

Development needs nothing set: with DEBUG=true the app runs on a SQLite file in the
project directory and prints e-mails to the console. With DEBUG off (the default, as in
production) a missing or unsafe SECRET_KEY or ALLOWED_HOSTS stops the start with a clear
message instead of running insecurely.
"""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from wirfunding.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)

_DEV_SECRET_KEY = "dev-only-insecure-key-never-use-in-production-0000000000"
SECRET_KEY = env_str("SECRET_KEY") or (_DEV_SECRET_KEY if DEBUG else None)
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY ist nicht gesetzt. Im Produktivbetrieb (DEBUG aus) ist ein geheimer, "
        "zufälliger Schlüssel mit mindestens 50 Zeichen Pflicht; für die Entwicklung DEBUG=true setzen."
    )
if not DEBUG and (len(SECRET_KEY) < 50 or SECRET_KEY == _DEV_SECRET_KEY):
    raise ImproperlyConfigured(
        "SECRET_KEY ist zu kurz oder der Entwicklungsschlüssel; im Produktivbetrieb sind "
        "mindestens 50 zufällige Zeichen nötig."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS ist nicht gesetzt. Im Produktivbetrieb die Hostnamen kommagetrennt angeben, "
        "z. B. ALLOWED_HOSTS=foerderung.example.de."
    )
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
CSRF_FAILURE_VIEW = "wirfunding.views.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "core",
    "accounts",
    "municipalities",
    "audit",
    "grants",
    "background",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "wirfunding.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "grants.navigation.main_navigation",
            ],
            # `eur`, `datum` and `datum_zeit` in every template, without {% load %}.
            "builtins": ["core.templatetags.formats"],
        },
    },
]

WSGI_APPLICATION = "wirfunding.wsgi.application"

# A SQLite file next to manage.py unless DATABASE_URL names another database
# (production: postgres://user:password@host:5432/name).
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 0),
        conn_health_checks=True,
    )
}

AUTH_USER_MODEL = "accounts.User"
# Every page but sign-in and password reset requires sign-in (LoginRequiredMiddleware).
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "de"
LANGUAGES = [("de", "Deutsch")]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))

# Uploaded files (application attachments) are private: they live outside any URL
# space and are only ever served by views that check the user's right to the object.
# MEDIA_URL is deliberately unset. Object storage later replaces the "default" backend.
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "var" / "private")))
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MAX_UPLOAD_BYTES = env_int("MAX_UPLOAD_BYTES", 10 * 1024 * 1024)

# How many days after today a notice may be dated at the most (a notice signed today for a
# handover next week); grants/services/notices.py refuses dates further ahead.
NOTICE_MAX_DAYS_AHEAD = env_int("NOTICE_MAX_DAYS_AHEAD", 7)
if NOTICE_MAX_DAYS_AHEAD < 0:
    raise ImproperlyConfigured(f"NOTICE_MAX_DAYS_AHEAD={NOTICE_MAX_DAYS_AHEAD} darf nicht negativ sein.")

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "wir-foerderung@localhost")
# The address people reach the application at; links in e-mails start with it.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    SECURE_CONTENT_TYPE_NOSNIFF = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint and fontTools report every rendering step at INFO.
    "loggers": {name: {"level": "WARNING"} for name in ("weasyprint", "fontTools")},
}

# --- background tasks (issue 11) ---
# Celery (wirfunding/celery.py) reads every CELERY_* setting. With a broker, e-mails, ceremony
# bundles, notice archives and the daily reminders run on the worker (`make worker`, `make beat`).
# Without CELERY_BROKER_URL tasks run eagerly in the web process after commit: `make run` needs
# no broker; mails that the server refuses then wait in the outbox for `manage.py send_outbox`.
from celery.schedules import crontab  # noqa: E402

CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not CELERY_BROKER_URL)
CELERY_TASK_IGNORE_RESULT = True  # outcomes live in the outbox and job tables
CELERY_TASK_ACKS_LATE = True  # a task is acknowledged when done; every task is idempotent
CELERY_TASK_REJECT_ON_WORKER_LOST = True  # … so a task whose worker died runs again elsewhere
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 30 * 60)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Redis: a task not acknowledged within an hour is delivered again (longer than any task runs).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TIMEZONE = TIME_ZONE
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
REMINDERS_HOUR = env_int("REMINDERS_HOUR", 6)
if not 0 <= REMINDERS_HOUR <= 23:
    raise ImproperlyConfigured(f"REMINDERS_HOUR={REMINDERS_HOUR} muss zwischen 0 und 23 liegen.")
CELERY_BEAT_SCHEDULE = {
    "outbox-resend-pending": {"task": "background.outbox_resend_pending", "schedule": 60.0},
    "reminders-daily": {"task": "background.reminders_send", "schedule": crontab(hour=REMINDERS_HOUR, minute=0)},
}
# A mail the server refuses is tried again after 1, 2, 4, … minutes (at most an hour apart);
# after OUTBOX_MAX_ATTEMPTS failures it is "fehlgeschlagen" (admin: Postausgang, "erneut senden").
OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 12)
OUTBOX_RETRY_BASE_SECONDS = env_int("OUTBOX_RETRY_BASE_SECONDS", 60)
if OUTBOX_MAX_ATTEMPTS < 1 or OUTBOX_RETRY_BASE_SECONDS < 1:
    raise ImproperlyConfigured("OUTBOX_MAX_ATTEMPTS und OUTBOX_RETRY_BASE_SECONDS müssen mindestens 1 sein.")
# A job "läuft" longer than this is taken as abandoned (its worker died) and may run again.
JOB_STALE_SECONDS = CELERY_TASK_TIME_LIMIT + 60
