"""Run callables in real threads that start together, each on its own DB connection."""

import threading
import time
from typing import cast

from django.db import connection


def run_together(*callables, timeout: float = 30.0) -> list[tuple[str, object]]:
    """Returns per callable ("ok", result) or ("error", exception)."""
    barrier = threading.Barrier(len(callables))
    results: list[tuple[str, object] | None] = [None] * len(callables)

    def worker(index, fn):
        try:
            barrier.wait(timeout)
            results[index] = ("ok", fn())
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            results[index] = ("error", exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, fn)) for i, fn in enumerate(callables)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert all(not thread.is_alive() for thread in threads), "a thread hung (deadlock?)"
    return cast(list[tuple[str, object]], results)  # every worker has filled its slot


def slowed(fn, seconds: float = 0.3):
    """Wrap a function so that it pauses first: called inside a service's transaction after
    its checks, it holds the transaction open, so an unlocked check would race."""

    def wrapper(*args, **kwargs):
        time.sleep(seconds)
        return fn(*args, **kwargs)

    return wrapper
