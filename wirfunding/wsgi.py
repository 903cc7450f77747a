import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wirfunding.settings")
application = get_wsgi_application()

# URL resolver and templates built, then kept out of the garbage collector's walks (ops/runtime.py).
from ops.runtime import prepare_worker  # noqa: E402

prepare_worker()
