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

# --- Dateiablage (issue 11) ---
# Tests store files as production does by default: in the database, rolled back with each test.
# The S3 tests start their own S3 server (moto) and switch FILE_STORAGE themselves.
FILE_STORAGE = "database"
