"""Settings for the test suite: the real settings with test-only secrets filled in.

DATABASE_URL is still honoured, so `make test` runs on PostgreSQL when it is set.
"""

import os

os.environ.setdefault("SECRET_KEY", "test-only-key-" + "x" * 50)
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")

from wirfunding.settings import *  # noqa: E402,F403
from wirfunding.settings import BASE_DIR  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PRIVATE_MEDIA_ROOT = BASE_DIR / "var" / "test-private"
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False

# --- Security headers and serving (issue 11) ---
# The test client speaks plain http: no redirect to https. The CSP stays enforced as in production.
SECURE_SSL_REDIRECT = False
# No collectstatic before the tests: the plain storage (no hashed names, no manifest) and WhiteNoise
# serving from the source folders. tests/test_serving.py runs collectstatic with the production
# storage into a temporary folder to prove the hashed and compressed files build.
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = None  # type: ignore[assignment]  # nothing collected: WhiteNoise would warn about the missing folder

# --- Sign-in: second factor, lockout, sessions (issue 11) ---
# The suite signs people in with force_login; tests of the sign-in turn these on (settings fixture).
TWO_FACTOR_REQUIRED = False
REAUTH_MAX_AGE_MINUTES = 0

# --- Dateiablage (issue 11) ---
# Tests store files as production does by default: in the database, rolled back with each test.
# The S3 tests start their own S3 server (moto) and switch FILE_STORAGE themselves.
FILE_STORAGE = "database"

# --- background tasks (issue 11) ---
# Tasks run eagerly (after commit) unless a test starts a real worker (tests/background, marker
# `broker`, CELERY_TEST_BROKER_URL).
CELERY_BROKER_URL = ""
CELERY_TASK_ALWAYS_EAGER = True
