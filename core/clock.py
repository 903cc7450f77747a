"""The application's clock: `now()` is the current time, except inside `frozen_at(when)`; and
`add_months`, the one piece of calendar arithmetic the rules share.

Records are stamped with `now()` (creation times, audit entries, service defaults). Importing
history – the demo's 2021 awards, or records migrated from an earlier system – runs each
step inside `frozen_at(moment)`, so everything written then carries that moment from the
start and no stored record has to be rewritten afterwards. Per thread and task (a context
variable), so concurrent requests never see another's frozen time.
"""

import calendar
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


def add_months(day: date, months: int) -> date:
    """The same day `months` later (or earlier, when negative); the month's last day where it is
    shorter (31.12. + 6 → 30.06.)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
