"""The application's clock: frozen inside `frozen_at`, the real time outside, per thread."""

import threading
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from audit.selectors import audit_entries_for
from core import clock
from tests import factories

MOMENT = datetime(2021, 10, 29, 11, 30, tzinfo=ZoneInfo("Europe/Berlin"))


def test_now_inside_frozen_at_is_the_frozen_moment():
    with clock.frozen_at(MOMENT):
        assert clock.now() == MOMENT
        assert clock.today() == MOMENT.date()


def test_now_outside_frozen_at_is_the_real_time():
    with clock.frozen_at(MOMENT):
        pass

    assert abs(clock.now() - timezone.now()) < timedelta(seconds=5)


def test_frozen_at_refuses_a_naive_datetime():
    with pytest.raises(ValueError, match="Zeitzone"), clock.frozen_at(datetime(2021, 10, 29, 11, 30)):
        pass  # pragma: no cover

    assert abs(clock.now() - timezone.now()) < timedelta(seconds=5)


def test_frozen_at_is_left_when_the_block_raises():
    with pytest.raises(RuntimeError), clock.frozen_at(MOMENT):
        raise RuntimeError

    assert clock.now() != MOMENT


def test_application_created_while_frozen_carries_that_moment(programme, coordinator_a):
    with clock.frozen_at(MOMENT):
        application = factories.draft_application(programme, coordinator_a, with_plan=False)

    application.refresh_from_db()
    assert application.created_at == MOMENT
    entry = audit_entries_for(application).get(action="grants.application.created")
    assert entry.created_at == MOMENT


def test_frozen_time_does_not_leak_into_another_thread():
    seen = {}

    def read():
        seen["now"] = clock.now()

    with clock.frozen_at(MOMENT):
        thread = threading.Thread(target=read)
        thread.start()
        thread.join(10)
        assert clock.now() == MOMENT

    assert abs(seen["now"] - datetime.now(UTC)) < timedelta(seconds=5)
