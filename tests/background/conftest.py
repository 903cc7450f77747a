"""What the background tests share: a real SMTP server on loopback that can be down or up,
and a real Celery worker on the Redis broker (tests marked `broker`)."""

import logging
import os
import socket
import time
from collections.abc import Callable

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message

logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every SMTP line

BROKER_URL = os.environ.get("CELERY_TEST_BROKER_URL", "redis://127.0.0.1:6379/1")


def free_port() -> int:
    """A loopback port nobody listens on (yet)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Collect(Message):
    def __init__(self):
        super().__init__()
        self.messages: list = []

    def handle_message(self, message):
        self.messages.append(message)


class SmtpServer:
    """A mail server on a fixed loopback port: refused while down, receiving once started."""

    def __init__(self, port: int):
        self.port = port
        self.handler = _Collect()
        self._controller: Controller | None = None

    @property
    def messages(self) -> list:
        return self.handler.messages

    def start(self) -> None:
        self._controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@pytest.fixture
def smtp_server(settings):
    """Django sends through SMTP to a port where the server is down until `start()`."""
    server = SmtpServer(free_port())
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.stop()


def wait_for(condition: Callable[[], bool], *, seconds: float = 30.0, what: str = "") -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    pytest.fail(f"nach {seconds:.0f} s nicht eingetreten: {what}")


def _broker_reachable() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(BROKER_URL, socket_connect_timeout=2).ping())
    except redis.exceptions.RedisError:
        return False


def pytest_collection_modifyitems(config, items):
    """Tests marked `broker` need a real broker and a worker; they run with REQUIRE_BROKER=1
    (CI starts Redis) and fail there when the broker is unreachable; without it they are skipped."""
    marked = [item for item in items if "broker" in item.keywords]
    if not marked:
        return
    if os.environ.get("REQUIRE_BROKER") == "1":
        if not _broker_reachable():
            raise pytest.UsageError(f"REQUIRE_BROKER=1, aber der Broker {BROKER_URL} ist nicht erreichbar.")
        return
    skip = pytest.mark.skip(reason="braucht einen Broker: mit REQUIRE_BROKER=1 (und Redis auf CELERY_TEST_BROKER_URL)")
    for item in marked:
        item.add_marker(skip)


@pytest.fixture
def celery_worker(transactional_db, settings):
    """A real worker (in this process, its own thread and database connection) consuming from
    the Redis broker; tasks go there instead of running eagerly. Each test process has its own
    queue, so parallel test processes (pytest-xdist, one test database each) never take each
    other's tasks."""
    from celery.contrib.testing.worker import start_worker
    from django.db import connections

    from wirfunding.celery import app

    queue = f"wirfunding-test-{os.getpid()}"
    saved = {key: app.conf[key] for key in ("task_always_eager", "broker_url", "task_default_queue")}
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.update(task_always_eager=False, broker_url=BROKER_URL, task_default_queue=queue)
    # Eager runs before this test took a producer from a pool made for the old broker URL.
    _forget_broker_connections(app)
    app.control.purge()
    try:
        with start_worker(app, pool="solo", concurrency=1, perform_ping_check=False, loglevel="WARNING",
                          shutdown_timeout=20, queues=[queue]) as worker:
            yield worker
    finally:
        app.control.purge()
        _forget_queue(queue)
        app.conf.update(saved)
        _forget_broker_connections(app)
        connections.close_all()


def _forget_queue(queue: str) -> None:
    """Remove the test queue's routing entries (kombu's `_kombu.binding*` keys) from Redis."""
    import redis

    client = redis.Redis.from_url(BROKER_URL)
    for key in client.scan_iter(match=f"_kombu.binding*.{queue}"):
        client.delete(key)
    client.delete(queue)


def _forget_broker_connections(app) -> None:
    """Close the pooled broker connections and forget the queues and routes made from the old
    settings; the next test (another broker URL or queue, or eager) makes new ones."""
    from kombu import pools

    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None
    app.amqp._rtable = None
    for cached in ("queues", "default_queue", "router"):
        app.amqp.__dict__.pop(cached, None)
