"""Settings for wirfunding, read from the environment (see README, "Konfiguration").

Development needs nothing set: with DEBUG=true the app runs on a SQLite file in the
project directory and prints e-mails to the console. With DEBUG off (the default, as in
production) a missing or unsafe SECRET_KEY or ALLOWED_HOSTS stops the start with a clear
message instead of running insecurely.
"""

from pathlib import Path
from typing import cast

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
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "core",
    "accounts",
    "municipalities",
    "audit",
    "grants",
    "background",
    "legal",
    "inbox",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "core.bad_input.RejectNulMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "accounts.middleware.SessionIdleTimeoutMiddleware",
    "accounts.middleware.SecondFactorMiddleware",
    # After the sign-in checks: a form sent into the second-factor step claims no token.
    "core.form_tokens.FormTokenMiddleware",
    "axes.middleware.AxesMiddleware",
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
                "inbox.context_processors.unread_notifications",
            ],
            # `eur`, `datum` and `datum_zeit` in every template, without {% load %}.
            # form_token: {% csrf_token %} also renders the one-time form token (core/form_tokens.py).
            "builtins": ["core.templatetags.formats", "core.templatetags.form_token"],
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
    {"NAME": "accounts.password_validation.MinistryMinimumLengthValidator"},
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
# MEDIA_URL is deliberately unset. The "default" backend is set in the file storage block at the end;
# PRIVATE_MEDIA_ROOT is only read by the migration that moves older files into it.
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

# --- Electronic seal of issued notices (issue 13; grants/notices/seal.py, README "Schnittstellen") ---
# The authority's seal key: a PKCS#12 file with its passphrase (or a file holding it), or a
# PKCS#11 token (module, token label, key label, certificate label – default the key label –, PIN
# or a file holding it). Neither set: notices are issued unsealed and the pages say so.
NOTICE_SEAL_PKCS12_FILE = env_str("NOTICE_SEAL_PKCS12_FILE", "")
NOTICE_SEAL_PKCS12_PASSPHRASE = env_str("NOTICE_SEAL_PKCS12_PASSPHRASE", "")
NOTICE_SEAL_PKCS12_PASSPHRASE_FILE = env_str("NOTICE_SEAL_PKCS12_PASSPHRASE_FILE", "")
NOTICE_SEAL_PKCS11_MODULE = env_str("NOTICE_SEAL_PKCS11_MODULE", "")
NOTICE_SEAL_PKCS11_TOKEN = env_str("NOTICE_SEAL_PKCS11_TOKEN", "")
NOTICE_SEAL_PKCS11_KEY = env_str("NOTICE_SEAL_PKCS11_KEY", "")
NOTICE_SEAL_PKCS11_CERT = env_str("NOTICE_SEAL_PKCS11_CERT", "")
NOTICE_SEAL_PKCS11_PIN = env_str("NOTICE_SEAL_PKCS11_PIN", "")
NOTICE_SEAL_PKCS11_PIN_FILE = env_str("NOTICE_SEAL_PKCS11_PIN_FILE", "")
# Certificates (PEM or DER files, comma-separated) a seal must chain to for the check page to call it trusted.
NOTICE_SEAL_TRUST_ROOTS = env_list("NOTICE_SEAL_TRUST_ROOTS", [])
NOTICE_SEAL_LOCATION = env_str("NOTICE_SEAL_LOCATION", "")  # default: the issuing authority's city
NOTICE_SEAL_TSA_URL = env_str("NOTICE_SEAL_TSA_URL", "")  # a RFC 3161 time-stamping authority: PAdES B-T
NOTICE_SEAL_TEST = env_bool("NOTICE_SEAL_TEST", False)  # a test certificate: every page marks the seal as such
# Development only (`make run`): seal with the demo's generated test seal (grants/notices/demo_seal.py).
NOTICE_SEAL_DEMO = env_bool("NOTICE_SEAL_DEMO", False)
NOTICE_SEAL_DEMO_DIR = Path(env_str("NOTICE_SEAL_DEMO_DIR", str(BASE_DIR / "var" / "demo-seal")))
# The public check page ("Bescheid prüfen"): uploads per address and hour.
NOTICE_CHECK_LIMIT_PER_ADDRESS = env_int("NOTICE_CHECK_LIMIT_PER_ADDRESS", 30)
if NOTICE_SEAL_PKCS12_FILE and NOTICE_SEAL_PKCS11_MODULE:
    raise ImproperlyConfigured("NOTICE_SEAL_PKCS12_FILE und NOTICE_SEAL_PKCS11_MODULE schließen einander aus.")
if NOTICE_SEAL_PKCS11_MODULE and not NOTICE_SEAL_PKCS11_KEY:
    raise ImproperlyConfigured("NOTICE_SEAL_PKCS11_MODULE verlangt NOTICE_SEAL_PKCS11_KEY (Schlüsselbezeichnung).")
if NOTICE_SEAL_DEMO and not DEBUG:
    raise ImproperlyConfigured("NOTICE_SEAL_DEMO (Testsiegel der Demo) ist nur mit DEBUG=true erlaubt.")

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

# --- Security headers and serving (issue 11) ---
# Production defaults are strict; each can be changed by an environment variable (README,
# "Produktivbetrieb: Start, Header, statische Dateien, Zustand"). The middleware list is only
# extended here (the request log first, WhiteNoise and the header middleware right after
# SecurityMiddleware), so the list above stays the one place that orders the rest.
INSTALLED_APPS += ["csp", "ops"]
_security = MIDDLEWARE.index("django.middleware.security.SecurityMiddleware")
MIDDLEWARE[_security + 1:_security + 1] = [
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "ops.middleware.PermissionsPolicyMiddleware",
]
MIDDLEWARE.insert(0, "ops.middleware.RequestLogMiddleware")

# Content-Security-Policy (django-csp), enforced everywhere, the tests included: scripts, styles
# and images only from this origin; no inline script, no style attribute, no data: URL (the
# Bootstrap icons are files: static/css/bootstrap-icons.css), no plug-ins, no framing.
_SELF, _NONE = "'self'", "'none'"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [_SELF],
        "script-src": [_SELF],
        "style-src": [_SELF],
        "img-src": [_SELF],
        "font-src": [_SELF],
        "connect-src": [_SELF],
        "object-src": [_NONE],
        "base-uri": [_SELF],
        "form-action": [_SELF],
        "frame-ancestors": [_NONE],
    },
}

# HTTPS: HSTS for a year with subdomains in production; preloading is a decision for the whole
# domain that cannot be taken back quickly, so it is opt-in (and its deploy warning W021 is
# silenced only while it is off).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# Load balancers probe the app server directly over http: the health answers are not redirected.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 365 * 24 * 60 * 60)
if SECURE_HSTS_SECONDS < 0:
    raise ImproperlyConfigured(f"SECURE_HSTS_SECONDS={SECURE_HSTS_SECONDS} darf nicht negativ sein.")
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
# Behind a reverse proxy that ends TLS: trust its X-Forwarded-Proto header (only then; a client
# could send the header itself when it reaches the app directly).
if env_bool("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
USE_X_FORWARDED_HOST = env_bool("USE_X_FORWARDED_HOST", False)
# How many reverse proxies stand in front of the app servers and append to X-Forwarded-For; the
# client's address (lockout, reset limits, audit) is the entry that many places from the right.
TRUSTED_PROXY_HOPS = env_int("TRUSTED_PROXY_HOPS", 0)
if TRUSTED_PROXY_HOPS < 0:
    raise ImproperlyConfigured(f"TRUSTED_PROXY_HOPS={TRUSTED_PROXY_HOPS} darf nicht negativ sein.")

# The cache that counts password-reset requests (and anything else that must hold across app
# servers): with several servers a shared Redis (CACHE_URL=redis://host:6379/2); without it each
# process counts for itself, which is enough for one server and for `make run`.
CACHE_URL = env_str("CACHE_URL", "")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    if CACHE_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Browser features the application never uses, switched off for every page (ops.middleware).
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), "
    "magnetometer=(), microphone=(), midi=(), payment=(), publickey-credentials-get=(self), "
    "screen-wake-lock=(), serial=(), usb=(), xr-spatial-tracking=()"
)

# Static files: served by the application itself (WhiteNoise), compressed (gzip, Brotli) and
# with a content hash in the name, so they may be cached for a year. The hashed names need
# `collectstatic` (make serve-prod); development and the tests use the plain storage.
STORAGES["staticfiles"] = {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage" if DEBUG
    else "whitenoise.storage.CompressedManifestStaticFilesStorage",
}

# Logging: one JSON line per request (ops.middleware.RequestLogMiddleware) and per error, with
# the traceback; LOG_FORMAT=text for people reading a terminal (the default with DEBUG).
LOG_FORMAT = env_str("LOG_FORMAT", "text" if DEBUG else "json")
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured(f"LOG_FORMAT={LOG_FORMAT!r} ist unbekannt; erlaubt sind json und text.")
LOGGING = {
    **LOGGING,
    "formatters": {
        "json": {"()": "ops.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "filters": {"request_id": {"()": "ops.logs.RequestIdFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id"]}},
    # The request lines stay at INFO whatever LOG_LEVEL says for the rest.
    "loggers": {**cast(dict[str, dict], LOGGING["loggers"]), "wirfunding.request": {"level": "INFO"}},
}

# /healthz also checks the broker when one is configured (Celery, issue 11).
HEALTH_CHECK_TIMEOUT_SECONDS = env_int("HEALTH_CHECK_TIMEOUT_SECONDS", 3)

# --- Sign-in: second factor, lockout, sessions (issue 11) ---
# Axes first: it refuses a locked-out account before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend that loads the person with the unread count of the navigation (one query).
    "accounts.backends.UserBackend",
]
# Ministry roles (and staff) must sign in with a second factor (TOTP or a backup code).
TWO_FACTOR_REQUIRED = env_bool("TWO_FACTOR_REQUIRED", True)
# Days a browser may skip the code after a sign-in with it ("dieses Gerät merken"); 0 = never.
TWO_FACTOR_REMEMBER_DAYS = env_int("TWO_FACTOR_REMEMBER_DAYS", 0)
if not 0 <= TWO_FACTOR_REMEMBER_DAYS <= 30:
    raise ImproperlyConfigured(f"TWO_FACTOR_REMEMBER_DAYS={TWO_FACTOR_REMEMBER_DAYS}: erlaubt sind 0 bis 30 Tage.")
# Signing actions (notices, payment release, reclaims) ask again for password and code once the
# last full sign-in is older than this; 0 switches the question off.
REAUTH_MAX_AGE_MINUTES = env_int("REAUTH_MAX_AGE_MINUTES", 15)
# A session unused for this long is ended.
SESSION_IDLE_TIMEOUT_MINUTES = env_int("SESSION_IDLE_TIMEOUT_MINUTES", 30)
for _name in ("REAUTH_MAX_AGE_MINUTES", "SESSION_IDLE_TIMEOUT_MINUTES"):
    if globals()[_name] < 0:
        raise ImproperlyConfigured(f"{_name} darf nicht negativ sein.")
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "WIR-Förderverwaltung")
# django-axes: lock an account after AXES_FAILURE_LIMIT failed sign-ins for AXES_COOLOFF_MINUTES.
# AXES_LOCKOUT_PARAMETERS: comma-separated, "+" joins a combination (default: account and address
# together, so a stranger cannot lock a person out from elsewhere).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_MINUTES = env_int("AXES_COOLOFF_MINUTES", 30)
AXES_COOLOFF_TIME = AXES_COOLOFF_MINUTES / 60  # hours
AXES_LOCKOUT_PARAMETERS = [
    item.split("+") if "+" in item else item
    for item in env_list("AXES_LOCKOUT_PARAMETERS", ["username+ip_address"])
]
AXES_RESET_ON_SUCCESS = True
# Every failed attempt (also for names that are no account) with address, in the admin.
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_CALLABLE = "accounts.views.lockout_response"
# The client's address, also behind reverse proxies (ops.client_address, TRUSTED_PROXY_HOPS).
AXES_CLIENT_IP_CALLABLE = "ops.client_address.client_address"
AXES_VERBOSE = False
# Password-reset requests: at most this many per hour from one address and for one e-mail address.
PASSWORD_RESET_LIMIT_PER_ADDRESS = env_int("PASSWORD_RESET_LIMIT_PER_ADDRESS", 10)
PASSWORD_RESET_LIMIT_PER_EMAIL = env_int("PASSWORD_RESET_LIMIT_PER_EMAIL", 3)
# Messages of the accessibility feedback form (legal.views.feedback) per client address and hour.
LEGAL_FEEDBACK_LIMIT_PER_ADDRESS = env_int("LEGAL_FEEDBACK_LIMIT_PER_ADDRESS", 5)

# --- Schutz vor Doppelungen und ungültigen Eingaben (issue 11) ---
# A claimed one-time form token (core/form_tokens.py) is kept this long; a repeat of the same
# form within that time is refused, the rows are deleted as new forms arrive.
FORM_TOKEN_MAX_AGE_HOURS = env_int("FORM_TOKEN_MAX_AGE_HOURS", 24)
if FORM_TOKEN_MAX_AGE_HOURS < 1:
    raise ImproperlyConfigured(f"FORM_TOKEN_MAX_AGE_HOURS={FORM_TOKEN_MAX_AGE_HOURS} muss mindestens 1 sein.")

# --- Dateiablage (issue 11) ---
# Every FileField stores through files.storage.FileStorage: one row per file in the database
# (files.StoredFile, written in the record's transaction), the bytes in that row ("database", the
# default) or in an S3-compatible bucket ("s3"). Issued notices keep their bytes in their own
# immutable row either way. `manage.py move_files --to s3|database` moves existing files.
FILE_STORAGE = env_str("FILE_STORAGE", "database")
if FILE_STORAGE not in ("database", "s3"):
    raise ImproperlyConfigured(f"FILE_STORAGE={FILE_STORAGE!r}: erlaubt sind „database“ und „s3“.")
FILE_S3 = {
    "bucket_name": env_str("FILE_S3_BUCKET", ""),
    "endpoint_url": env_str("FILE_S3_ENDPOINT_URL", "") or None,
    "access_key": env_str("FILE_S3_ACCESS_KEY_ID", "") or None,
    "secret_key": env_str("FILE_S3_SECRET_ACCESS_KEY", "") or None,
    "region_name": env_str("FILE_S3_REGION", "") or None,
    "location": env_str("FILE_S3_PREFIX", ""),
}
if FILE_STORAGE == "s3" and not FILE_S3["bucket_name"]:
    raise ImproperlyConfigured("FILE_STORAGE=s3 braucht FILE_S3_BUCKET.")
INSTALLED_APPS = [*INSTALLED_APPS, "files"]
STORAGES = {**STORAGES, "default": {"BACKEND": "files.storage.FileStorage"}}

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
    # The daily digest of notifications (inbox/services.py) for those who chose it: yesterday's.
    "digests-daily": {"task": "inbox.digests_send", "schedule": crontab(hour=REMINDERS_HOUR, minute=15)},
}
# A mail the server refuses is tried again after 1, 2, 4, … minutes (at most an hour apart);
# after OUTBOX_MAX_ATTEMPTS failures it is "fehlgeschlagen" (admin: Postausgang, "erneut senden").
OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 12)
OUTBOX_RETRY_BASE_SECONDS = env_int("OUTBOX_RETRY_BASE_SECONDS", 60)
if OUTBOX_MAX_ATTEMPTS < 1 or OUTBOX_RETRY_BASE_SECONDS < 1:
    raise ImproperlyConfigured("OUTBOX_MAX_ATTEMPTS und OUTBOX_RETRY_BASE_SECONDS müssen mindestens 1 sein.")
# The worker holds a mail's row lock while the mail server answers: never wait for it forever.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
# A job "läuft" longer than this is taken as abandoned (its worker died) and may run again.
JOB_STALE_SECONDS = CELERY_TASK_TIME_LIMIT + 60

# --- Offene Daten (issue 13) ---
# The public list of awards under /offene-daten/ (opendata/): no sign-in; at most this many
# requests per client address and hour (pages and files together; 429 after that).
INSTALLED_APPS = [*INSTALLED_APPS, "opendata"]
OPEN_DATA_LIMIT_PER_ADDRESS = env_int("OPEN_DATA_LIMIT_PER_ADDRESS", 600)
if OPEN_DATA_LIMIT_PER_ADDRESS < 1:
    raise ImproperlyConfigured(f"OPEN_DATA_LIMIT_PER_ADDRESS={OPEN_DATA_LIMIT_PER_ADDRESS} muss mindestens 1 sein.")

# Case files as xdomea 3.1.0 messages (grants/xdomea/, issue 13 item 4): who receives a single
# file (Abgabe 0401) and the closed grants of a period (Aussonderung 0503), and how long the files
# are kept (Aufbewahrungsdauer in years, counted from the end of the year the grant was closed).
XDOMEA_EFILE_RECIPIENT = env_str("XDOMEA_EFILE_RECIPIENT", "E-Akte Hessen (Dokumentenmanagementsystem)")
XDOMEA_ARCHIVE_RECIPIENT = env_str("XDOMEA_ARCHIVE_RECIPIENT", "Hessisches Landesarchiv")
XDOMEA_RETENTION_YEARS = env_int("XDOMEA_RETENTION_YEARS", 10)
if not 1 <= XDOMEA_RETENTION_YEARS <= 100:
    raise ImproperlyConfigured(f"XDOMEA_RETENTION_YEARS={XDOMEA_RETENTION_YEARS} muss zwischen 1 und 100 liegen.")

# --- SEPA-Überweisungsdatei der Zahlungsanordnungen (issue 13) ---
# The account the treasury pays the payment orders from (Auftraggeber of the pain.001 file):
# account holder's name, IBAN, BIC. Checked when a file is made (grants/services/payment_orders.py):
# without a valid account the SEPA file is refused with a message naming these variables, while
# CSV and XLSX are exported as before. With DEBUG (make run) a TEST account is the default.
SEPA_DEBTOR_NAME = env_str("SEPA_DEBTOR_NAME", "Landeshauptkasse Hessen (TEST)" if DEBUG else "")
SEPA_DEBTOR_IBAN = env_str("SEPA_DEBTOR_IBAN", "DE35123456789900000000" if DEBUG else "")
SEPA_DEBTOR_BIC = env_str("SEPA_DEBTOR_BIC", "TESTDEFFXXX" if DEBUG else "")

# --- REST API (issue 13) ---
# /api/v1/ (api/urls.py): Django REST framework with personal API tokens (api/authentication.py),
# errors as RFC 9457 problem details (api/problems.py), the OpenAPI schema by drf-spectacular.
import re  # noqa: E402

INSTALLED_APPS = [*INSTALLED_APPS, "rest_framework", "drf_spectacular", "drf_spectacular_sidecar", "api"]
API_PAGE_SIZE = env_int("API_PAGE_SIZE", 50)
API_THROTTLE_READ = env_str("API_THROTTLE_READ", "600/min")
API_THROTTLE_WRITE = env_str("API_THROTTLE_WRITE", "120/min")
if not 1 <= API_PAGE_SIZE <= 200:
    raise ImproperlyConfigured(f"API_PAGE_SIZE={API_PAGE_SIZE}: erlaubt sind 1 bis 200.")
for _name in ("API_THROTTLE_READ", "API_THROTTLE_WRITE"):
    if not re.fullmatch(r"[1-9][0-9]*/(s|sec|m|min|h|hour|d|day)", globals()[_name]):
        raise ImproperlyConfigured(f"{_name}={globals()[_name]!r}: erwartet wird <Anzahl>/<sec|min|hour|day>, "
                                   "z. B. 600/min.")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pagination",
    "PAGE_SIZE": API_PAGE_SIZE,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api_read": API_THROTTLE_READ, "api_write": API_THROTTLE_WRITE},
    "EXCEPTION_HANDLER": "api.problems.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "api.schema.ApiAutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "COERCE_DECIMAL_TO_STRING": True,
    "DATETIME_FORMAT": "iso-8601",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "WIR-Förderverwaltung API",
    "DESCRIPTION": (
        "Programmierschnittstelle der Förderverwaltung des Programms „WIR – Vielfalt und Teilhabe“. "
        "Jede Anfrage braucht einen persönlichen API-Schlüssel (`Authorization: Bearer <Schlüssel>`), "
        "anzulegen unter „Mein Konto“. Sichtbar ist genau, was die Person in der Anwendung sieht. "
        "Fehler werden als Problem Details nach RFC 9457 (`application/problem+json`) beantwortet; "
        "Geldbeträge sind Dezimalzahlen als Zeichenketten in Euro mit zwei Nachkommastellen."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "ApplicationStatusEnum": "grants.models.ApplicationStatus",
        "AwardStatusEnum": "grants.models.Award.Status",
        "PaymentStatusEnum": "grants.models.Disbursement.Status",
        "ProofStatusEnum": "grants.models.UsageReport.Status",
        "ProofKindEnum": "grants.models.UsageReport.Kind",
        "ReclaimStatusEnum": "grants.models.Reclaim.Status",
        "NoticeKindEnum": "grants.models.Notice.Kind",
    },
}
