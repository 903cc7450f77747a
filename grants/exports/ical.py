"""The deadlines as an iCalendar feed (RFC 5545), written with the `icalendar` library (which
escapes the text values and folds lines at 75 octets): one all-day event per reporting
deadline with a reminder 14 days before, and one per payment date of a fixed reclaim."""

from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

import icalendar
from django.utils.translation import gettext as _

from core.formats import format_date
from core.money import format_eur

ALARM_DAYS_BEFORE = 14


def _event(*, uid: str, day, summary: str, description: str, url: str, stamp: datetime) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", f"{uid}@wirfunding")
    event.add("dtstamp", stamp)
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("summary", summary)
    event.add("description", description)
    event.add("url", url)
    event.add("status", "CONFIRMED")
    event.add("transp", "TRANSPARENT")
    return event


def deadlines_ical(rows: Iterable, *, calendar_name: str, link_for: Callable[[Any], str], now: datetime,
                   reclaims: Iterable = ()) -> str:
    """A VCALENDAR of the deadline rows (`grants.selectors.deadlines.DeadlineRow`) and the payment
    dates of fixed reclaims (`ReclaimDueRow`). `link_for(row)` gives the absolute URL of each entry."""
    stamp = now.astimezone(UTC)
    calendar = icalendar.Calendar()
    calendar.add("version", "2.0")
    calendar.add("prodid", "-//Land Hessen//WIR-Förderverwaltung//DE")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", icalendar.vText(calendar_name))  # X- properties are not escaped by default
    calendar.add("x-wr-timezone", "Europe/Berlin")
    for row in rows:
        deadline, ref = row.deadline, row.application.file_reference or ""
        summary = _("%(proof)s fällig – %(ref)s") % {"proof": row.proof_label, "ref": ref}
        description = "\n".join([
            _("Gebietskörperschaft: %(body)s") % {"body": row.municipality.display_name},
            _("Zeitraum: %(start)s bis %(end)s") % {"start": format_date(deadline.covers_from),
                                                     "end": format_date(deadline.covers_to)},
            _("Stand: %(state)s") % {"state": row.state_label},
            link_for(row),
        ])
        event = _event(uid=row.uid, day=deadline.due, summary=summary, description=description,
                       url=link_for(row), stamp=stamp)
        alarm = icalendar.Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", summary)
        alarm.add("trigger", timedelta(days=-ALARM_DAYS_BEFORE))
        event.add_component(alarm)
        calendar.add_component(event)
    for row in reclaims:
        reclaim, ref = row.reclaim, row.application.file_reference or ""
        description = "\n".join([
            _("Rückforderungsbescheid %(number)s vom %(date)s") % {
                "number": reclaim.notice.number, "date": format_date(reclaim.notice.issued_on)},
            _("Bei Zahlung bis zum %(due)s: %(total)s") % {
                "due": format_date(reclaim.due_on), "total": format_eur(row.total_due)},
            link_for(row),
        ])
        calendar.add_component(_event(uid=row.uid, day=reclaim.due_on,
                                      summary=_("Rückforderung zahlen – %(ref)s") % {"ref": ref},
                                      description=description, url=link_for(row), stamp=stamp))
    return calendar.to_ical().decode("utf-8")
