"""The read side of the deadlines (grants/selectors/deadlines.py): the state of every reporting
deadline on a known day, who sees which, that the queries do not grow with the awards, and
the iCalendar feed's text (grants/exports/ical.py)."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import clock
from grants.exports.ical import deadlines_ical
from grants.models import Application, ApplicationStatus, Award, AwardYear, Decision, UsageReport
from grants.selectors.deadlines import (
    DeadlineState,
    ReportDeadline,
    count_by_state,
    deadline_rows,
    deadline_state,
    report_deadlines,
    running_awards,
)
from grants.selectors.scoping import awards_visible_to
from municipalities.models import AdministrativeCourt, Municipality
from tests import factories

S = DeadlineState
R = UsageReport.Status


def make_award(programme, body, clerk, approver, *, number, status=Award.Status.RUNNING, contact_email=""):
    """An award row written directly (no services): fast enough for fifty of them."""
    start, end = programme.period_start, programme.period_end
    application = Application.objects.create(
        programme=programme, municipality=body, file_reference=f"{programme.file_reference_prefix}-{number:04d}",
        status=ApplicationStatus.APPROVED, title="WIR-Vielfaltszentrum", purpose="Test", period_start=start,
        period_end=end, created_by=clerk, contact_email=contact_email, submitted_at=datetime(start.year - 1, 12, 1,
                                                                                              tzinfo=UTC))
    decision = Decision.objects.create(application=application, outcome=Decision.Outcome.APPROVED,
                                       decided_by=approver, decided_at=datetime(start.year, 2, 1, tzinfo=UTC))
    award = Award.objects.create(application=application, decision=decision, period_start=start, period_end=end,
                                 plan_snapshot={}, status=status)
    AwardYear.objects.bulk_create(AwardYear(award=award, budget=budget, amount=Decimal("1000.00"))
                                  for budget in programme.budgets.all())
    return award


def report(award, kind, year, status):
    return UsageReport.objects.create(award=award, kind=kind, year=year, status=status)


@pytest.fixture
def programme_2021(db):
    """2021–2025: interim proofs 2021–2024 due 31.03. of the following year, final proof 30.06.2026."""
    return factories.make_programme(code="wir-2021", start=2021, end=2025)


@pytest.fixture
def award_a(programme_2021, body_a, clerk, approver):
    return make_award(programme_2021, body_a, clerk, approver, number=21)


@pytest.fixture
def award_b(programme_2021, body_b, clerk, approver):
    return make_award(programme_2021, body_b, clerk, approver, number=22)


def by_label(rows):
    return {row.proof_label: row for row in rows}


def test_states_on_a_known_day(award_a):
    report(award_a, "zwischennachweis", 2021, R.ACCEPTED)
    report(award_a, "zwischennachweis", 2022, R.SUBMITTED)
    rows = by_label(deadline_rows(running_awards(), today=date(2025, 3, 20)))

    assert rows["Zwischennachweis 2021"].state == S.DONE
    assert rows["Zwischennachweis 2021"].state_label == "erledigt (angenommen)"
    assert rows["Zwischennachweis 2022"].state == S.DONE
    assert rows["Zwischennachweis 2022"].state_label == "eingereicht, in Prüfung"
    assert rows["Zwischennachweis 2023"].state == S.OVERDUE
    assert rows["Zwischennachweis 2023"].days_overdue == 354  # 31.03.2024 → 20.03.2025
    assert rows["Zwischennachweis 2024"].state == S.DUE_SOON
    assert rows["Zwischennachweis 2024"].note == "noch 11 Tage"
    assert rows["Verwendungsnachweis"].state == S.UPCOMING
    assert rows["Verwendungsnachweis"].deadline.due == date(2026, 6, 30)
    assert rows["Verwendungsnachweis"].days_overdue is None


def test_draft_and_open_questions_do_not_count_as_done(award_a):
    report(award_a, "zwischennachweis", 2021, R.DRAFT)
    report(award_a, "zwischennachweis", 2022, R.QUESTIONS)
    rows = by_label(deadline_rows(running_awards(), today=date(2025, 3, 20)))

    assert rows["Zwischennachweis 2021"].state == S.OVERDUE
    assert rows["Zwischennachweis 2021"].note == "Entwurf begonnen"
    assert rows["Zwischennachweis 2022"].state == S.OVERDUE
    assert rows["Zwischennachweis 2022"].note == "Rückfragen offen"


@pytest.mark.parametrize(("today", "state"), [
    (date(2025, 2, 28), S.UPCOMING),  # 31 days before
    (date(2025, 3, 1), S.DUE_SOON),  # 30 days before: within the next 30 days
    (date(2025, 3, 31), S.DUE_SOON),  # due today
    (date(2025, 4, 1), S.OVERDUE),  # the day after
])
def test_due_soon_window_and_overdue_boundary(today, state):
    deadline = ReportDeadline("zwischennachweis", 2024, date(2024, 1, 1), date(2024, 12, 31), date(2025, 3, 31))
    assert deadline_state(deadline, None, today) == state


def test_due_today_reads_heute_faellig(award_a):
    rows = by_label(deadline_rows(running_awards(), today=date(2025, 3, 31)))
    assert rows["Zwischennachweis 2024"].note == "heute fällig"


def test_closed_awards_have_no_deadlines(award_a):
    Award.objects.filter(pk=award_a.pk).update(status=Award.Status.CLOSED, closed_at=clock.now())
    assert deadline_rows(running_awards(), today=date(2025, 3, 20)) == []


def test_rows_match_the_deadlines_computed_for_the_notice(award_a):
    """The overview reads the prefetched years instead of querying per award; the dates must
    be exactly those of grants.deadlines.report_deadlines (what the notice prints)."""
    rows = deadline_rows(running_awards(), today=date(2025, 3, 20))
    assert sorted((r.deadline for r in rows), key=lambda d: d.due) == report_deadlines(award_a)


def test_overdue_first_then_due_soon_upcoming_done(award_a):
    report(award_a, "zwischennachweis", 2021, R.ACCEPTED)
    states = [row.state for row in deadline_rows(running_awards(), today=date(2025, 3, 20))]
    assert states == [S.OVERDUE, S.OVERDUE, S.DUE_SOON, S.UPCOMING, S.DONE]
    assert count_by_state(deadline_rows(running_awards(), today=date(2025, 3, 20))) == {
        "ueberfaellig": 2, "bald-faellig": 1, "anstehend": 1, "erledigt": 1}


def test_coordinator_sees_only_the_own_body(award_a, award_b, coordinator_a, coordinator_b, clerk):
    assert {r.award for r in deadline_rows(awards_visible_to(coordinator_a), today=date(2025, 3, 20))} == {award_a}
    assert {r.award for r in deadline_rows(awards_visible_to(coordinator_b), today=date(2025, 3, 20))} == {award_b}
    assert {r.award for r in deadline_rows(awards_visible_to(clerk), today=date(2025, 3, 20))} == {award_a, award_b}


def test_person_without_role_sees_nothing(award_a):
    outsider = factories.make_user("ohne-rolle", "")
    assert list(awards_visible_to(outsider)) == []


def extra_bodies(count):
    court = AdministrativeCourt.objects.first()
    return Municipality.objects.bulk_create(
        Municipality(name=f"Testkörperschaft {n}", kind=Municipality.Kind.LANDKREIS, ags=f"98{n:06d}",
                     regierungsbezirk=Municipality.Regierungsbezirk.KASSEL, seat="Teststadt",
                     recipient_body="Kreisausschuss Test", administrative_court=court)
        for n in range(count))


def _queries(today):
    with CaptureQueriesContext(connection) as queries:
        rows = deadline_rows(running_awards(), today=today)
    return len(queries), rows


def test_queries_do_not_grow_with_the_number_of_awards(clerk, approver):
    """5 then 50 awards across two programme periods: the same number of queries."""
    older = factories.make_programme(code="wir-2021", start=2021, end=2025)
    newer = factories.make_programme(code="wir-2026", start=2026, end=2030)
    bodies = list(Municipality.objects.order_by("name")) + extra_bodies(17)
    assert len(bodies) == 50
    for number, body in enumerate(bodies[:5]):
        make_award(older if number % 2 else newer, body, clerk, approver, number=number)
    with_five, rows_five = _queries(date(2027, 3, 20))
    for number, body in enumerate(bodies[5:], start=5):
        award = make_award(older if number % 2 else newer, body, clerk, approver, number=number)
        report(award, "zwischennachweis", award.period_start.year, R.SUBMITTED)
    with_fifty, rows_fifty = _queries(date(2027, 3, 20))

    assert len(rows_five) == 5 * 5
    assert len(rows_fifty) == 50 * 5
    assert with_fifty == with_five <= 3


# -- iCalendar helpers ----------------------------------------------------------------------------


def _feed(award_a, calendar_name: str) -> str:
    rows = deadline_rows(running_awards(), today=date(2025, 3, 20))
    return deadlines_ical(rows, calendar_name=calendar_name, now=datetime(2025, 3, 20, 8, tzinfo=UTC),
                          link_for=lambda row: "https://wir.example.org/")


def test_ical_escapes_backslash_semicolon_comma_and_newline(award_a):
    text = _feed(award_a, "a\\b;c,d\ne\r\nf")
    assert "\r\nX-WR-CALNAME:a\\\\b\\;c\\,d\\ne\\nf\r\n" in text


def test_ical_fold_keeps_every_line_within_75_octets_and_never_splits_a_character(award_a):
    name = "Gebietskörperschaft Werra-Meißner-Kreis – Zwischennachweis " * 5
    raw = _feed(award_a, name).encode("utf-8")
    parts = raw.split(b"\r\n")
    assert all(len(part) <= 75 for part in parts)
    assert all(part.decode("utf-8") for part in parts if part)  # no part ends inside a character
    lines = raw.decode("utf-8").replace("\r\n ", "").split("\r\n")
    assert "X-WR-CALNAME:" + name.replace(",", "\\,") in lines


def test_ical_short_line_is_not_folded(award_a):
    assert "\r\nVERSION:2.0\r\n" in _feed(award_a, "WIR-Fristen")


def test_ical_has_one_event_per_deadline(award_a):
    rows = deadline_rows(running_awards(), today=date(2025, 3, 20))
    text = deadlines_ical(rows, calendar_name="WIR-Fristen Test", now=datetime(2025, 3, 20, 8, tzinfo=UTC),
                          link_for=lambda row: "https://wir.example.org/")
    assert text.count("BEGIN:VEVENT") == text.count("END:VEVENT") == 5
    assert text.count("BEGIN:VALARM") == 5
    assert "DTSTAMP:20250320T080000Z\r\n" in text
