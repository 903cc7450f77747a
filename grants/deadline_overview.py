"""The reporting deadlines of every running award with their state, and the same as an
iCalendar feed: the read side of the deadlines page, the reminders and the calendar.

The dates themselves come from `grants.deadlines.report_deadlines` (one place for the
rules); this module adds the state on a given day:

- *erledigt*: a proof of use for the award, kind and year is "eingereicht" (shown as
  "eingereicht, in Prüfung") or "angenommen";
- *überfällig*: not done and the due date has passed;
- *bald fällig*: not done and due today or within the next `DUE_SOON_DAYS` days;
- *anstehend*: everything else.

Three queries whatever the number of awards: awards with application, programme and body;
their years with budgets; their proofs of use. The payment dates of fixed reclaims
(`reclaim_due_rows`) add three more: reclaims, their repayments, the base-rate table.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from django.db.models import Prefetch, QuerySet, TextChoices
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext, pgettext_lazy

from accounts.roles import Capability
from grants.deadlines import ReportDeadline, report_deadlines
from grants.interest import balance_as_of, base_rate_table
from grants.models import Award, AwardYear, Reclaim, UsageReport
from core.money import format_eur, to_money
from core.formats import format_date

DUE_SOON_DAYS = 30
R = UsageReport.Status
DONE_STATUSES = (R.SUBMITTED, R.ACCEPTED)


class DeadlineState(TextChoices):
    OVERDUE = "ueberfaellig", pgettext_lazy("Fristzustand", "überfällig")
    DUE_SOON = "bald-faellig", pgettext_lazy("Fristzustand", "bald fällig")
    UPCOMING = "anstehend", pgettext_lazy("Fristzustand", "anstehend")
    DONE = "erledigt", pgettext_lazy("Fristzustand", "erledigt")


# The order of the page: what needs action first.
STATE_ORDER = [DeadlineState.OVERDUE, DeadlineState.DUE_SOON, DeadlineState.UPCOMING, DeadlineState.DONE]


@dataclass(frozen=True)
class DeadlineRow:
    """One reporting deadline of one award, as it stands on `today`."""

    award: Award
    deadline: ReportDeadline
    state: str
    report: UsageReport | None
    today: date

    @property
    def application(self):
        return self.award.application

    @property
    def municipality(self):
        return self.award.application.municipality

    @property
    def proof_label(self) -> str:
        """"Zwischennachweis 2024" or "Verwendungsnachweis"."""
        label = str(UsageReport.Kind(self.deadline.kind).label)
        return f"{label} {self.deadline.year}" if self.deadline.year else label

    @property
    def days_overdue(self) -> int | None:
        return (self.today - self.deadline.due).days if self.state == DeadlineState.OVERDUE else None

    @property
    def days_left(self) -> int:
        return (self.deadline.due - self.today).days

    @property
    def state_label(self) -> str:
        """The state in words (never colour only); a submitted proof reads "eingereicht, in Prüfung"."""
        if self.state == DeadlineState.DONE:
            if self.report.status == R.SUBMITTED:
                return pgettext("Fristzustand", "eingereicht, in Prüfung")
            return pgettext("Fristzustand", "erledigt (angenommen)")
        return str(DeadlineState(self.state).label)

    @property
    def note(self) -> str:
        """What else the body should know: a started draft, open questions, days left."""
        parts = []
        if self.state == DeadlineState.DUE_SOON:
            if self.days_left == 0:
                parts.append(_("heute fällig"))
            else:
                parts.append(ngettext("noch %(days)s Tag", "noch %(days)s Tage", self.days_left)
                             % {"days": self.days_left})
        if self.report is not None and self.report.status == R.DRAFT:
            parts.append(pgettext("Fristhinweis", "Entwurf begonnen"))
        elif self.report is not None and self.report.status == R.QUESTIONS:
            parts.append(pgettext("Fristhinweis", "Rückfragen offen"))
        return " · ".join(parts)

    @property
    def uid(self) -> str:
        """Stable per award and deadline: the row's anchor on the page and the calendar entry's UID."""
        return f"{self.award.pk}-{self.deadline.kind}-{self.deadline.year or 'gesamt'}"


def deadline_state(deadline: ReportDeadline, report: UsageReport | None, today: date) -> str:
    if report is not None and report.status in DONE_STATUSES:
        return DeadlineState.DONE
    if deadline.due < today:
        return DeadlineState.OVERDUE
    if deadline.due <= today + timedelta(days=DUE_SOON_DAYS):
        return DeadlineState.DUE_SOON
    return DeadlineState.UPCOMING


def _deadlines_of(award: Award) -> list[ReportDeadline]:
    # The years are prefetched with the award; passing them keeps the page at a fixed number of queries.
    return report_deadlines(award, years=[row.budget.year for row in award.years.all()])


def running_awards() -> QuerySet[Award]:
    """Running awards with everything the deadlines need, in three queries."""
    return (
        Award.objects.filter(status=Award.Status.RUNNING)
        .select_related("application__programme", "application__municipality")
        .prefetch_related(
            Prefetch("years", queryset=AwardYear.objects.select_related("budget").order_by("budget__year")),
            Prefetch("usage_reports", queryset=UsageReport.objects.only("pk", "award_id", "kind", "year", "status")),
        )
        .order_by("application__municipality__name", "application__file_reference")
    )


def awards_visible_to(user) -> QuerySet[Award]:
    """The ministry sees every body's running awards, a coordinator the own body's, others none."""
    awards = running_awards()
    if user.can(Capability.VIEW_ALL):
        return awards
    if user.can(Capability.APPLY) and user.municipality_id:
        return awards.filter(application__municipality_id=user.municipality_id)
    return awards.none()


def deadline_rows(awards, *, today: date) -> list[DeadlineRow]:
    """Every deadline of the given awards (use `running_awards()` or a filter of it) on
    `today`, ordered: overdue (longest first), due soon, upcoming, done; then by body."""
    rows = []
    for award in awards:
        reports = {(r.kind, r.year): r for r in award.usage_reports.all()}
        for deadline in _deadlines_of(award):
            report = reports.get((deadline.kind, deadline.year))
            rows.append(DeadlineRow(award, deadline, deadline_state(deadline, report, today), report, today))
    rank = {state: index for index, state in enumerate(STATE_ORDER)}
    rows.sort(key=lambda row: (rank[row.state], row.deadline.due, row.municipality.name,
                               row.application.file_reference or ""))
    return rows


@dataclass(frozen=True)
class ReclaimDueRow:
    """The payment date of a fixed reclaim (Rückforderungsbescheid) and what is owed on `today`."""

    reclaim: Reclaim
    owed: Decimal
    total_due: Decimal  # as printed in the notice: principal and interest if paid by the due date
    today: date

    @property
    def application(self):
        return self.reclaim.award.application

    @property
    def municipality(self):
        return self.reclaim.award.application.municipality

    @property
    def overdue(self) -> bool:
        return self.today > self.reclaim.due_on

    @property
    def uid(self) -> str:
        return f"rueckforderung-{self.reclaim.pk}"


def reclaim_due_rows(awards, *, today: date) -> list[ReclaimDueRow]:
    """The open (fixed, not yet settled) reclaims of the given awards, earliest payment date
    first; four queries whatever their number (reclaims, repayments, base rates)."""
    reclaims = (Reclaim.objects.filter(status=Reclaim.Status.ISSUED, award__in=awards.values("pk"))
                .select_related("award__application__municipality", "award_year__budget", "notice")
                .prefetch_related("repayments")
                .order_by("due_on", "award__application__municipality__name", "pk"))
    rates = base_rate_table()
    rows = []
    for reclaim in reclaims:
        owed = balance_as_of(principal=reclaim.principal, interest_from=reclaim.interest_from, as_of=today,
                             rates=rates, repayments=list(reclaim.repayments.all()),
                             waived=reclaim.interest_waived).total_outstanding
        rows.append(ReclaimDueRow(reclaim, owed, to_money(reclaim.notice.snapshot["reclaim"]["total_due"]), today))
    return rows


def count_by_state(rows: list[DeadlineRow]) -> dict[str, int]:
    counts = {state.value: 0 for state in STATE_ORDER}
    for row in rows:
        counts[row.state] += 1
    return counts


# -- iCalendar (RFC 5545), written by hand: a handful of properties, no dependency ---------------

CRLF = "\r\n"
ALARM_DAYS_BEFORE = 14


def ical_escape(text: str) -> str:
    """TEXT value escaping (RFC 5545 3.3.11): backslash, semicolon, comma, newline."""
    return (str(text).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n"))


def ical_fold(line: str) -> str:
    """Fold a content line to at most 75 octets (RFC 5545 3.1), never inside a UTF-8 character;
    continuation lines start with one space (which counts towards their 75 octets)."""
    parts, current, size, limit = [], [], 0, 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append("".join(current))
            current, size, limit = [], 0, 74
        current.append(char)
        size += width
    parts.append("".join(current))
    return (CRLF + " ").join(parts)


def deadlines_ical(rows: list[DeadlineRow], *, calendar_name: str, link_for, now: datetime,
                   reclaims: list[ReclaimDueRow] = ()) -> str:
    """A VCALENDAR with one all-day VEVENT per deadline and a reminder 14 days before, and one
    per payment date of a fixed reclaim. `link_for(row)` gives the absolute URL named in each
    entry."""
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Land Hessen//WIR-Förderverwaltung//DE",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{ical_escape(calendar_name)}",
        "X-WR-TIMEZONE:Europe/Berlin",
    ]
    for row in rows:
        deadline, ref = row.deadline, row.application.file_reference or ""
        summary = _("%(proof)s fällig – %(ref)s") % {"proof": row.proof_label, "ref": ref}
        description = "\n".join([
            _("Gebietskörperschaft: %(body)s") % {"body": row.municipality.name},
            _("Zeitraum: %(start)s bis %(end)s") % {"start": format_date(deadline.covers_from),
                                                     "end": format_date(deadline.covers_to)},
            _("Stand: %(state)s") % {"state": row.state_label},
            link_for(row),
        ])
        lines += [
            "BEGIN:VEVENT",
            f"UID:{row.uid}@wirfunding",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{deadline.due:%Y%m%d}",
            f"DTEND;VALUE=DATE:{deadline.due + timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{ical_escape(summary)}",
            f"DESCRIPTION:{ical_escape(description)}",
            f"URL:{link_for(row)}",
            "STATUS:CONFIRMED",
            "TRANSP:TRANSPARENT",
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            f"DESCRIPTION:{ical_escape(summary)}",
            f"TRIGGER:-P{ALARM_DAYS_BEFORE}D",
            "END:VALARM",
            "END:VEVENT",
        ]
    for row in reclaims:
        reclaim, ref = row.reclaim, row.application.file_reference or ""
        summary = _("Rückforderung zahlen – %(ref)s") % {"ref": ref}
        description = "\n".join([
            _("Rückforderungsbescheid %(number)s vom %(date)s") % {
                "number": reclaim.notice.number, "date": format_date(reclaim.notice.issued_on)},
            _("Bei Zahlung bis zum %(due)s: %(total)s") % {
                "due": format_date(reclaim.due_on), "total": format_eur(row.total_due)},
            link_for(row),
        ])
        lines += [
            "BEGIN:VEVENT",
            f"UID:{row.uid}@wirfunding",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{reclaim.due_on:%Y%m%d}",
            f"DTEND;VALUE=DATE:{reclaim.due_on + timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{ical_escape(summary)}",
            f"DESCRIPTION:{ical_escape(description)}",
            f"URL:{link_for(row)}",
            "STATUS:CONFIRMED",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(ical_fold(line) + CRLF for line in lines)
