"""The checks behind /healthz and /readyz. Each returns None when all is well, or a short
German description of what failed. The description names the kind of failure (the exception's
class), never its message: the answers are public and a message can hold host names or
credentials. The full error goes to the log."""

import logging
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

logger = logging.getLogger(__name__)

PROBE = b"wirfunding-healthz"


def failure(check: str, error: Exception) -> str:
    logger.error("Zustandsprüfung %s fehlgeschlagen", check, exc_info=error, extra={"check": check})
    return f"Fehler: {type(error).__name__}"


def check_database() -> str | None:
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:
        return failure("database", error)
    return None


def check_storage() -> str | None:
    """Writes, reads back and deletes a tiny file in the storage the uploads go to."""
    name = None
    try:
        name = default_storage.save(f"healthz/probe-{uuid.uuid4().hex}.txt", ContentFile(PROBE))
        with default_storage.open(name, "rb") as probe:
            if probe.read() != PROBE:
                return "Fehler: gelesene Prüfdatei weicht ab"
    except Exception as error:
        return failure("storage", error)
    finally:
        if name is not None:
            try:
                default_storage.delete(name)
            except Exception as error:
                return failure("storage", error)
    return None


def check_broker() -> str | None:
    """Connects to the message broker, if one is configured (CELERY_BROKER_URL)."""
    url = getattr(settings, "CELERY_BROKER_URL", None)
    if not url:
        return None
    try:
        from kombu import Connection  # only where a broker is configured (Celery brings kombu)

        with Connection(url, connect_timeout=settings.HEALTH_CHECK_TIMEOUT_SECONDS) as connection:
            connection.ensure_connection(max_retries=1)
    except Exception as error:
        return failure("broker", error)
    return None


def unapplied_migrations() -> int:
    """How many migrations of the code are not yet applied to the database."""
    connection = connections[DEFAULT_DB_ALIAS]
    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))
