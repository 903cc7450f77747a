"""The application's clock: `now()` is the current time, except inside `frozen_at(when)`.

Records are stamped with `now()` (creation times, audit entries, service defaults). Importing
history – the demo's 2021 awards, or records migrated from an earlier system – runs each
step inside `frozen_at(moment)`, so everything written then carries that moment from the
start and no stored record has to be rewritten afterwards. Per thread and task (a context
variable), so concurrent requests never see another's frozen time.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime

from django.utils import timezone

_frozen: ContextVar[datetime | None] = ContextVar("wirfunding_frozen_now", default=None)


def now() -> datetime:
    return _frozen.get() or timezone.now()


def today() -> date:
    return timezone.localdate(now())


@contextmanager
def frozen_at(when: datetime):
    if timezone.is_naive(when):
        raise ValueError("frozen_at braucht eine Zeit mit Zeitzone.")
    token = _frozen.set(when)
    try:
        yield
    finally:
        _frozen.reset(token)
