"""gunicorn configuration for wirfunding (README, "Produktivbetrieb").

    gunicorn -c deploy/gunicorn.conf.py

Every value can be set by an environment variable; the defaults suit one server behind a reverse
proxy on the same machine. gunicorn writes no access log: the application writes one JSON line per
request itself (ops.middleware.RequestLogMiddleware), with the user's id and the request id.
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise SystemExit(f"{name}={value!r} ist keine ganze Zahl.") from None


wsgi_app = "wirfunding.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")

# 2 × cores + 1 synchronous workers (gunicorn's rule of thumb), at most GUNICORN_MAX_WORKERS:
# every worker holds its own database connection and its own copy of the application.
workers = _int("GUNICORN_WORKERS", min(2 * multiprocessing.cpu_count() + 1, _int("GUNICORN_MAX_WORKERS", 8)))
# A request that takes longer than this (seconds) is ended and its worker replaced; PDF bundles
# are the slowest pages. The reverse proxy's read timeout should be a little longer.
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Workers are replaced after this many requests (with jitter, so not all at once): bounds any slow leak.
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = max_requests // 10
# Heartbeat files in memory, not on a possibly slow disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# The proxies whose X-Forwarded-* headers gunicorn believes (comma-separated addresses, or "*" when
# only the proxy can reach gunicorn at all). Django itself trusts X-Forwarded-Proto only with
# TRUST_X_FORWARDED_PROTO=true.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
proxy_allow_ips = forwarded_allow_ips

# gunicorn's runtime control socket (~/.gunicorn/gunicorn.ctl) is one more way to manage the server;
# it is off unless asked for (GUNICORN_CONTROL_SOCKET=true).
control_socket_disable = os.environ.get("GUNICORN_CONTROL_SOCKET", "").lower() not in {"1", "true", "yes", "on"}

accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# gunicorn's own lines (start, worker boot and timeout) in the application's JSON format.
if os.environ.get("LOG_FORMAT", "json") == "json":
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "ops.logs.JsonFormatter"}},
        "handlers": {"error_console": {"class": "logging.StreamHandler", "formatter": "json",
                                       "stream": "ext://sys.stderr"}},
        "loggers": {"gunicorn.error": {"level": loglevel.upper(), "handlers": ["error_console"], "propagate": False}},
        "root": {"level": "INFO", "handlers": []},
    }
