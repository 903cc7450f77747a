"""Reporting deadlines: when each proof of use of an award is due (computed from the
programme's configuration), and how every deadline stands on a given day – the read side of
the deadlines page, the reminders and the calendar feed.

One interim proof of use per budget year of the award except the last, due on the
programme's day of the following year (default 31 March); the final proof for the whole
period, due the programme's number of months after its end (default six). The notice prints
these dates.

The state of a deadline on a day:

- *erledigt*: a proof of use for the award, kind and year is "eingereicht" (shown as
  "eingereicht, in Prüfung") or "angenommen";
- *überfällig*: not done and the due date has passed;
- *bald fällig*: not done and due today or within the next `DUE_SOON_DAYS` days;
- *anstehend*: everything else.

A fixed number of queries whatever the number of awards: `deadline_index` reads plain rows
(awards with their programme's rules, their budget years, their proofs of use) and sorts the
deadlines; `deadline_rows_for` loads the awards and proofs of the rows shown (one page). The
payment dates of fixed reclaims (`reclaim_due_rows`) add three more: reclaims, their repayments, the base-rate table.
"""

import calendar
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple

from django.db.models import QuerySet, TextChoices
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext, pgettext_lazy

from core.clock import add_months
from core.money import to_money
from grants.interest import BaseRateMissing, balance_as_of
from grants.models import Award, AwardYear, Reclaim, UsageReport
from grants.selectors.awards import award_years, budget_year
from grants.selectors.lists import award_long_texts
from grants.selectors.reclaims import REVOCATION_WARNING_DAYS, base_rate_table
from municipalities.models import display_name_sql


@dataclass(frozen=True)
class ReportDeadline:
    kind: str  # "zwischennachweis" or "verwendungsnachweis" (UsageReport.Kind)
    year: int | None
    covers_from: date
    covers_to: date
    due: date


def report_deadlines(award, *, years: list[int] | None = None) -> list[ReportDeadline]:
    """`years`: the award's budget years when the caller has them already (a list page that
    prefetched them); otherwise they are read."""
    programme = award.application.programme
    if years is None:
        years = [row.budget.year for row in award_years(award)]
    return _deadlines(award.period_start, award.period_end, years, interim_month=programme.interim_report_month,
                      interim_day=programme.interim_report_day, final_months=programme.final_report_months)


def _deadlines(start: date, end: date, years: list[int], *, interim_month: int, interim_day: int,
               final_months: int) -> list[ReportDeadline]:
    return list(_deadlines_of(start, end, tuple(years), interim_month, interim_day, final_months))


@lru_cache(maxsize=4096)
def _deadlines_of(start: date, end: date, years: tuple[int, ...], interim_month: int, interim_day: int,
                  final_months: int) -> tuple[ReportDeadline, ...]:
    """The deadlines of one period with its budget years and the programme's rules. Cached: the
    awards of one programme share period, years and rules, so a list of thousands of awards
    computes a few hundred of them (ReportDeadline is frozen; callers get a fresh list)."""
    # An Änderungsbescheid that shortens the period keeps the dropped years' rows at 0,00 €.
    in_period = sorted(year for year in years if start.year <= year <= end.year)
    deadlines = []
    for year in in_period[:-1]:  # the last year is covered by the final proof of use
        following = year + 1
        day = min(interim_day, calendar.monthrange(following, interim_month)[1])
        deadlines.append(ReportDeadline(
            kind="zwischennachweis", year=year,
            covers_from=max(date(year, 1, 1), start), covers_to=min(date(year, 12, 31), end),
            due=date(following, interim_month, day)))
    final_due = add_months(end + timedelta(days=1), final_months) - timedelta(days=1)
    deadlines.append(ReportDeadline(kind="verwendungsnachweis", year=None, covers_from=start,
                                    covers_to=end, due=final_due))
    return tuple(deadlines)


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
    def in_review(self) -> bool:
        """Submitted and not yet accepted."""
        return self.report is not None and self.report.status == R.SUBMITTED

    @property
    def draft_started(self) -> bool:
        return self.report is not None and self.report.status == R.DRAFT

    @property
    def has_questions(self) -> bool:
        """The ministry has asked back and waits for the body's answer."""
        return self.report is not None and self.report.status == R.QUESTIONS

    @property
    def state_label(self) -> str:
        """The state in words (never colour only); a submitted proof reads "eingereicht, in Prüfung"."""
        if self.state == DeadlineState.DONE:
            if self.in_review:
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
        if self.draft_started:
            parts.append(pgettext("Fristhinweis", "Entwurf begonnen"))
        elif self.has_questions:
            parts.append(pgettext("Fristhinweis", "Rückfragen offen"))
        return " · ".join(parts)

    @property
    def uid(self) -> str:
        """Stable per award and deadline: the row's anchor on the page and the calendar entry's UID."""
        return f"{self.award.pk}-{self.deadline.kind}-{self.deadline.year or 'gesamt'}"


def deadline_state(deadline: ReportDeadline, report: UsageReport | None, today: date) -> str:
    return _state(deadline, None if report is None else report.status, today)


def _state(deadline: ReportDeadline, report_status: str | None, today: date) -> str:
    if report_status in DONE_STATUSES:
        return DeadlineState.DONE
    if deadline.due < today:
        return DeadlineState.OVERDUE
    if deadline.due <= today + timedelta(days=DUE_SOON_DAYS):
        return DeadlineState.DUE_SOON
    return DeadlineState.UPCOMING


def _with_deadline_relations(awards: QuerySet[Award]) -> QuerySet[Award]:
    # The long texts stay in the database: a deadline needs dates, names and references.
    return (awards.select_related("application__programme", "application__municipality")
            .defer(*award_long_texts()))


def running_awards(awards: QuerySet[Award] | None = None) -> QuerySet[Award]:
    """The running ones of `awards` (default: all awards) with application, programme and body,
    ordered by body and file reference."""
    return _with_deadline_relations((Award.objects.all() if awards is None else awards)
                                    .filter(status=Award.Status.RUNNING)).order_by(
        "application__municipality__name", "application__file_reference")


class DeadlineKey(NamedTuple):
    """One deadline of one award as plain values: what the list sorts, counts and pages
    before any award is loaded (a tuple: thousands are built per page view)."""

    award_id: int
    deadline: ReportDeadline
    state: str
    body: str
    file_reference: str


def deadline_index(awards, *, today: date) -> list[DeadlineKey]:
    """Every deadline of the given awards on `today`, ordered: overdue (longest first), due
    soon, upcoming, done; then by body and file reference.

    Three queries of plain rows whatever the number of awards (awards with their programme's
    deadline rules, budget years, states of the proofs of use) and no model instances: at
    thousands of awards, building the objects costs more than the rows. The list page pages
    these keys and loads the awards of one page (`deadline_rows_for`)."""
    awards = _as_queryset(awards)
    years = _years_of(awards)
    states = {(award_id, kind, year): status for award_id, kind, year, status in
              UsageReport.objects.filter(award_id__in=awards.values("pk")).order_by()
              .values_list("award_id", "kind", "year", "status")}
    keys: list[DeadlineKey] = []
    append = keys.append
    soon = today + timedelta(days=DUE_SOON_DAYS)
    overdue, due_soon, upcoming, done = (DeadlineState.OVERDUE, DeadlineState.DUE_SOON, DeadlineState.UPCOMING,
                                         DeadlineState.DONE)
    # The body by the name the lists show ("Landkreis Gießen" / "Stadt Gießen"), for sorting and search.
    awards = awards.annotate(body_name=display_name_sql("application__municipality"))
    for (pk, start, end, reference, body, month, day, months) in awards.order_by().values_list(
            "pk", "period_start", "period_end", "application__file_reference", "body_name",
            "application__programme__interim_report_month", "application__programme__interim_report_day",
            "application__programme__final_report_months"):
        for deadline in _deadlines_of(start, end, tuple(years[pk]), month, day, months):
            # _state, inlined: this loop runs once per deadline of every running award
            if states.get((pk, deadline.kind, deadline.year)) in DONE_STATUSES:
                state = done
            elif deadline.due < today:
                state = overdue
            elif deadline.due <= soon:
                state = due_soon
            else:
                state = upcoming
            append(DeadlineKey(pk, deadline, state, body, reference or ""))
    keys.sort(key=lambda key: (_RANK[key.state], key.deadline.due, key.body, key.file_reference))
    return keys


def deadline_rows_for(keys: list[DeadlineKey], *, today: date, only: tuple[str, ...] = ()) -> list[DeadlineRow]:
    """The rows of the given keys (e.g. one page) with their awards, applications, bodies and
    proofs of use: two queries. `only`: the fields of the award (through its application and
    body) that the caller reads – a list's columns; the keys carry the deadlines."""
    ids = {key.award_id for key in keys}
    awards = Award.objects.filter(pk__in=ids)
    if only:
        awards = awards.select_related("application__municipality").only(*only)
    else:
        awards = _with_deadline_relations(awards)
    found = awards.in_bulk()
    reports = _reports_of(ids)
    return [DeadlineRow(found[key.award_id], key.deadline, key.state,
                        reports.get((key.award_id, key.deadline.kind, key.deadline.year)), today) for key in keys]


def deadline_rows(awards, *, today: date) -> list[DeadlineRow]:
    """Every deadline of the given awards (use `running_awards()` or a filter of it) on
    `today`, in the order of `deadline_index`; three queries whatever their number (the
    awards with application, programme and body; their budget years; their proofs of use)."""
    awards = _as_queryset(awards)
    years = _years_of(awards)
    reports = _reports_of(awards.values("pk"))
    rows = []
    for award in _with_deadline_relations(awards):
        for deadline in report_deadlines(award, years=years[award.pk]):
            report = reports.get((award.pk, deadline.kind, deadline.year))
            rows.append(DeadlineRow(award, deadline, deadline_state(deadline, report, today), report, today))
    rows.sort(key=lambda row: _order(row.state, row.deadline, row.municipality.display_name,
                                     row.application.file_reference or ""))
    return rows


_RANK: dict[str, int] = {state: index for index, state in enumerate(STATE_ORDER)}


def _order(state: str, deadline: ReportDeadline, body: str, file_reference: str) -> tuple:
    return _RANK[state], deadline.due, body, file_reference


def _years_of(awards: QuerySet[Award]) -> dict[int, list[int]]:
    years: dict[int, list[int]] = defaultdict(list)
    for award_id, year in (AwardYear.objects.filter(award_id__in=awards.values("pk")).order_by("budget__year")
                           .values_list("award_id", "budget__year")):
        years[award_id].append(year)
    return years


def _reports_of(award_ids) -> dict[tuple, UsageReport]:
    return {(report.award_id, report.kind, report.year): report for report in
            UsageReport.objects.filter(award_id__in=award_ids).order_by().only("pk", "award_id", "kind", "year",
                                                                                "status")}


def _as_queryset(awards) -> QuerySet[Award]:
    return awards if isinstance(awards, QuerySet) else Award.objects.filter(pk__in=[award.pk for award in awards])


class _ReclaimRow:
    """A row about one reclaim: its application and body, as the lists print them."""

    reclaim: Reclaim

    @property
    def application(self):
        return self.reclaim.award.application

    @property
    def municipality(self):
        return self.reclaim.award.application.municipality


@dataclass(frozen=True)
class ReclaimDueRow(_ReclaimRow):
    """The payment date of a fixed reclaim (Rückforderungsbescheid) and what is owed on `today`."""

    reclaim: Reclaim
    owed: Decimal | None  # None when the base-rate table does not cover the interest period
    total_due: Decimal  # as printed in the notice: principal and interest if paid by the due date
    today: date
    owed_problem: str = ""  # why `owed` is None

    @property
    def overdue(self) -> bool:
        assert self.reclaim.due_on is not None  # an issued reclaim has a payment date (reclaim_issued_has_notice)
        return self.today > self.reclaim.due_on

    @property
    def uid(self) -> str:
        return f"rueckforderung-{self.reclaim.pk}"


def open_reclaims(awards) -> QuerySet[Reclaim]:
    """The open (fixed, not yet settled) reclaims of the given awards, earliest payment date first."""
    return (Reclaim.objects.filter(status=Reclaim.Status.ISSUED, award__in=awards.values("pk"))
            # Not the budget year: no row shows it, and two more joins doubled the time PostgreSQL
            # spends planning this query (9 of 17 ms at 10,000 applications).
            .select_related("award__application__municipality", "notice")
            # Of the notice only the total due it states (its snapshot as a whole and its PDF can
            # run to hundreds of kilobytes); the award's plan and the purpose are not needed either.
            .annotate(notice_total_due=KeyTextTransform("total_due", KeyTransform("reclaim", "notice__snapshot")))
            .defer("notice__pdf", "notice__snapshot", "award__plan_snapshot", "award__application__purpose")
            .prefetch_related("repayments")
            .order_by("due_on", "award__application__municipality__name", "pk"))


def reclaim_due_rows(awards, *, today: date, reclaims=None) -> list[ReclaimDueRow]:
    """The open reclaims of the given awards (`open_reclaims`, or `reclaims`: a page of them)
    with what is owed on `today`; four queries whatever their number (reclaims, repayments, base
    rates). The interest is computed for the rows given only: a list page passes one page."""
    if reclaims is None:
        reclaims = open_reclaims(awards)
    rates = base_rate_table()
    rows = []
    for reclaim in reclaims:
        assert reclaim.notice is not None  # an issued reclaim has its notice (reclaim_issued_has_notice)
        owed: Decimal | None = None
        problem = ""
        try:
            owed = balance_as_of(principal=reclaim.principal, interest_from=reclaim.interest_from, as_of=today,
                                 rates=rates, repayments=list(reclaim.repayments.all()),
                                 waived=reclaim.interest_waived).total_outstanding
        except BaseRateMissing as error:  # the table does not reach back to the interest start
            problem = error.message
        rows.append(ReclaimDueRow(reclaim, owed, to_money(reclaim.notice_total_due), today,
                                  owed_problem=problem))
    return rows


def count_by_state(rows: list[DeadlineRow] | list[DeadlineKey]) -> dict[str, int]:
    counts = {state.value: 0 for state in STATE_ORDER}
    for row in rows:
        counts[row.state] += 1
    return counts


@dataclass(frozen=True)
class RevocationDeadlineRow(_ReclaimRow):
    """A proposed (undecided) reclaim and the last day of its revocation: one year after the
    authority knew the facts (§ 49 Abs. 3 Satz 2 i. V. m. § 48 Abs. 4 HVwVfG)."""

    reclaim: Reclaim
    deadline: date
    today: date
    year: int  # the budget year the reclaim concerns

    @property
    def expired(self) -> bool:
        return self.today > self.deadline

    @property
    def soon(self) -> bool:
        return not self.expired and (self.deadline - self.today).days <= REVOCATION_WARNING_DAYS

    @property
    def uid(self) -> str:
        return f"jahresfrist-{self.reclaim.pk}"


def revocation_deadline_rows(awards, *, today: date) -> list[RevocationDeadlineRow]:
    """The proposed reclaims of the given awards with their one-year deadline, earliest first;
    one query (the hearing comes along for the page)."""
    reclaims = (Reclaim.objects.filter(status=Reclaim.Status.PROPOSED, award__in=awards.values("pk"),
                                       facts_known_on__isnull=False)
                .select_related("award__application__municipality", "hearing")
                .annotate(budget_year=budget_year())  # not two more joins: 2–3 ms of planning
                .defer("hearing__pdf", "hearing__answer_pdf", "hearing__snapshot",
                       "award__plan_snapshot", "award__application__purpose"))
    rows = [RevocationDeadlineRow(r, r.revocation_deadline, today, r.budget_year)
            for r in reclaims if r.revocation_deadline]
    rows.sort(key=lambda row: (row.deadline, row.municipality.display_name, row.reclaim.pk))
    return rows
