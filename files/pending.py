"""Object storage is not transactional: an object written inside a transaction that rolls back
would stay in the bucket. Every object written inside a transaction is noted here; once that
transaction has ended (the connection is out of its atomic block) an object whose StoredFile row
does not exist was written by a rollback and is deleted. The row decides, not an on_commit hook:
it is written in the same transaction as the object's record, so it exists exactly when that
transaction committed.

The check runs when a request ends (request_finished), when the next file is saved on the same
thread, and on demand. A process that dies between the upload and the rollback leaves an orphan
that `manage.py sweep_files` removes."""

import logging
import threading
from collections.abc import Callable

from django.db import DEFAULT_DB_ALIAS, connections

logger = logging.getLogger(__name__)

_local = threading.local()


def _pending() -> list[tuple[str, str, Callable[[str], None]]]:
    if not hasattr(_local, "names"):
        _local.names = []
    return _local.names


def note(name: str, delete: Callable[[str], None], *, using: str = DEFAULT_DB_ALIAS) -> None:
    """`name` was just written to object storage by `using`'s current transaction, if any."""
    if connections[using].in_atomic_block:
        _pending().append((using, name, delete))


def discard_uncommitted(**kwargs) -> list[str]:
    """Delete the objects whose transaction has ended without their row; returns their names."""
    from files.models import StoredFile

    pending, still_open, discarded = _pending(), [], []
    for using, name, delete in pending:
        if connections[using].in_atomic_block:
            still_open.append((using, name, delete))
        elif not StoredFile.objects.using(using).filter(name=name).exists():
            delete(name)
            discarded.append(name)
            logger.info("files: object %s removed, its transaction was rolled back", name)
    pending[:] = still_open
    return discarded
