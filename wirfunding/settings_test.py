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
STORAGES = {
    **STORAGES,  # noqa: F405
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    },
}
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False

# --- background tasks (issue 11) ---
# Tasks run eagerly (after commit) unless a test starts a real worker (tests/background, marker
# `broker`, CELERY_TEST_BROKER_URL).
CELERY_BROKER_URL = ""
CELERY_TASK_ALWAYS_EAGER = True
