"""Fristen pages and the iCalendar feed (grants/views/deadlines.py): who may open what, what
the overview shows for a body and for the ministry, and that the feed is valid RFC 5545
that only ever shows the token holder's own body."""

import re
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from audit.models import AuditEntry
from core import clock
from grants.models import FundingProgramme, Notice, Reclaim, UsageReport
from municipalities.models import Municipality
from tests import factories
from tests.grants.reclaim_fixtures import ensure_base_rates
from tests.grants.test_deadlines_overview import make_award, report

LIST = reverse("grants:deadline_list")
CALENDAR = reverse("grants:deadline_calendar")
RENEW = reverse("grants:deadline_calendar_renew")
R = UsageReport.Status
BERLIN = ZoneInfo("Europe/Berlin")


def on(day_month_year):
    day, month, year = day_month_year
    return clock.frozen_at(datetime(year, month, day, 10, tzinfo=BERLIN))


def feed_url(token):
    return reverse("grants:deadline_calendar_feed", args=[token])


@pytest.fixture
def programme_2021(db):
    return factories.make_programme(code="wir-2021", start=2021, end=2025)


@pytest.fixture
def award_a(programme_2021, body_a, clerk, approver):
    award = make_award(programme_2021, body_a, clerk, approver, number=21)
    report(award, "zwischennachweis", 2021, R.ACCEPTED)
    report(award, "zwischennachweis", 2022, R.SUBMITTED)
    return award


@pytest.fixture
def award_b(programme_2021, body_b, clerk, approver):
    return make_award(programme_2021, body_b, clerk, approver, number=22)


def get(client, user, url=LIST, data=None, day=(20, 3, 2025)):
    client.force_login(user)
    with on(day):
        return client.get(url, data or {})


def rows_of(response):
    return re.findall(r'<tr id="frist-([^"]+)" data-state="([^"]+)">', response.content.decode())


def tab_counts(response):
    html = response.content.decode()
    return {state: int(count) for state, count in re.findall(
        r'data-state="([^"]*)">[^<]*<span class="badge[^"]*">(\d+)</span>', html)}


# -- who may open the pages ----------------------------------------------------------------------


@pytest.mark.parametrize("url", [LIST, CALENDAR])
def test_anonymous_user_is_sent_to_the_login(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_anonymous_cannot_renew_a_calendar_address(client, db):
    response = client.post(RENEW)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_person_without_role_is_refused_the_overview(client, db):
    outsider = factories.make_user("ohne-rolle", "")
    response = get(client, outsider)
    assert response.status_code == 403
    assert "Die Fristen sehen nur die Koordination einer Gebietskörperschaft und das Ministerium." in (
        response.content.decode())


@pytest.mark.parametrize("person", ["clerk", "approver", "programme_admin"])
def test_ministry_staff_may_open_the_overview_but_not_the_calendar(client, request, person, award_a):
    user = request.getfixturevalue(person)
    assert get(client, user).status_code == 200
    response = get(client, user, CALENDAR)
    assert response.status_code == 403
    assert "Koordination" in response.content.decode()


def test_navigation_offers_fristen_to_coordinators_and_ministry_only(client, coordinator_a, clerk, db):
    for user in (coordinator_a, clerk):
        assert f'href="{LIST}"' in get(client, user, reverse("dashboard")).content.decode()
    outsider = factories.make_user("ohne-rolle", "")
    client.force_login(outsider)
    assert f'href="{LIST}"' not in client.get(reverse("dashboard")).content.decode()


# -- the overview ---------------------------------------------------------------------------------


def test_coordinator_sees_the_own_bodys_deadlines_with_state_in_words(client, coordinator_a, award_a, award_b):
    response = get(client, coordinator_a)
    html = response.content.decode()

    assert response.status_code == 200
    assert [uid for uid, _state in rows_of(response)] == [
        f"{award_a.pk}-zwischennachweis-2023", f"{award_a.pk}-zwischennachweis-2024",
        f"{award_a.pk}-verwendungsnachweis-gesamt", f"{award_a.pk}-zwischennachweis-2021",
        f"{award_a.pk}-zwischennachweis-2022"]
    assert "WIR-21-0021" in html and "WIR-21-0022" not in html
    assert "Hochtaunuskreis" not in html
    assert "überfällig" in html and "bald fällig" in html and "eingereicht, in Prüfung" in html
    assert "01.01.2023 – 31.12.2023" in html and "31.03.2024" in html
    assert ">354<" in html  # days overdue of the Zwischennachweis 2023
    assert f'href="{reverse("grants:application_detail", args=[award_a.application.pk])}"' in html


def test_other_bodys_coordinator_never_sees_this_bodys_deadlines(client, coordinator_b, award_a, award_b):
    body_a = award_a.application.municipality
    response = get(client, coordinator_b, data={"municipality": body_a.pk, "district": body_a.regierungsbezirk})
    assert {uid.split("-")[0] for uid, _state in rows_of(response)} == {str(award_b.pk)}
    assert "WIR-21-0021" not in response.content.decode()


def test_ministry_sees_every_body_and_counts_per_state(client, clerk, award_a, award_b):
    response = get(client, clerk)
    assert len(rows_of(response)) == 10
    assert tab_counts(response) == {"": 10, "ueberfaellig": 3 + 1, "bald-faellig": 2, "anstehend": 2,
                                    "erledigt": 2}
    assert "Hochtaunuskreis" in response.content.decode() and "Werra-Meißner-Kreis" in response.content.decode()


def test_ministry_filters_by_state(client, clerk, award_a, award_b):
    response = get(client, clerk, data={"state": "ueberfaellig"})
    assert {state for _uid, state in rows_of(response)} == {"ueberfaellig"}
    assert len(rows_of(response)) == 4
    assert tab_counts(response)[""] == 10  # the counts stay those of the whole selection


def test_ministry_filters_by_body_and_district(client, clerk, award_a, award_b):
    body_b = award_b.application.municipality
    by_body = get(client, clerk, data={"municipality": body_b.pk})
    assert {uid.split("-")[0] for uid, _state in rows_of(by_body)} == {str(award_b.pk)}
    assert tab_counts(by_body)[""] == 5

    by_district = get(client, clerk, data={"district": award_a.application.municipality.regierungsbezirk})
    assert body_b.regierungsbezirk != award_a.application.municipality.regierungsbezirk
    assert {uid.split("-")[0] for uid, _state in rows_of(by_district)} == {str(award_a.pk)}


def test_ministry_filters_by_programme(client, clerk, approver, award_a, body_b):
    newer = factories.make_programme(code="wir-2026", start=2026, end=2030)
    award_new = make_award(newer, body_b, clerk, approver, number=31)
    response = get(client, clerk, data={"programme": newer.code})
    assert {uid.split("-")[0] for uid, _state in rows_of(response)} == {str(award_new.pk)}
    assert FundingProgramme.objects.count() == 2


def test_invalid_filter_values_are_ignored(client, clerk, award_a):
    response = get(client, clerk, data={"state": "quatsch", "municipality": "x", "programme": "nope"})
    assert response.status_code == 200
    assert len(rows_of(response)) == 5


def test_page_queries_do_not_grow_with_the_awards(client, clerk, approver, programme_2021):
    bodies = list(Municipality.objects.order_by("name"))
    for number, body in enumerate(bodies[:2]):
        make_award(programme_2021, body, clerk, approver, number=number)
    client.force_login(clerk)
    with on((20, 3, 2025)), CaptureQueriesContext(connection) as few:
        client.get(LIST)
    for number, body in enumerate(bodies[2:12], start=2):
        make_award(programme_2021, body, clerk, approver, number=number)
    with on((20, 3, 2025)), CaptureQueriesContext(connection) as many:
        response = client.get(LIST)
    assert len(rows_of(response)) == 12 * 5
    assert len(many) == len(few)


# -- calendar subscription page -------------------------------------------------------------------


def test_calendar_page_creates_the_token_on_first_visit_and_shows_the_address(client, coordinator_a):
    assert coordinator_a.calendar_token == ""
    response = get(client, coordinator_a, CALENDAR)
    coordinator_a.refresh_from_db()

    assert len(coordinator_a.calendar_token) >= 43
    expected = settings.SITE_URL.rstrip("/") + feed_url(coordinator_a.calendar_token)
    assert f'value="{expected}"' in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert "Neue Adresse erzeugen" in response.content.decode()
    first = coordinator_a.calendar_token
    get(client, coordinator_a, CALENDAR)
    coordinator_a.refresh_from_db()
    assert coordinator_a.calendar_token == first  # a second visit keeps the address


def test_renewing_the_token_invalidates_the_old_address(client, coordinator_a, award_a):
    get(client, coordinator_a, CALENDAR)
    coordinator_a.refresh_from_db()
    old = coordinator_a.calendar_token
    assert client.get(feed_url(old)).status_code == 200

    response = client.post(RENEW)
    coordinator_a.refresh_from_db()

    assert response.status_code == 302 and response["Location"] == CALENDAR
    assert coordinator_a.calendar_token != old
    assert client.get(feed_url(old)).status_code == 404
    assert client.get(feed_url(coordinator_a.calendar_token)).status_code == 200
    assert AuditEntry.objects.filter(action="accounts.calendar_token.renewed", object_id=coordinator_a.pk).exists()


def test_renewing_needs_a_post(client, coordinator_a):
    assert get(client, coordinator_a, RENEW).status_code == 405


def test_ministry_staff_cannot_renew_a_calendar_address(client, clerk):
    client.force_login(clerk)
    assert client.post(RENEW).status_code == 403


# -- the iCalendar feed ---------------------------------------------------------------------------


def unfold(text):
    return text.replace("\r\n ", "")


def calendar_of(client, user, day=(20, 3, 2025)):
    user.calendar_token = user.calendar_token or ("t" * 10 + user.username).ljust(43, "x")
    user.save(update_fields=["calendar_token"])
    client.logout()
    with on(day):
        return client.get(feed_url(user.calendar_token))


def test_feed_is_valid_icalendar(client, coordinator_a, award_a):
    response = calendar_of(client, coordinator_a)
    raw = response.content

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert raw.endswith(b"\r\n")
    assert b"\n" not in raw.replace(b"\r\n", b"")  # every line ends in CRLF
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))  # folded at 75 octets
    text = unfold(raw.decode("utf-8"))
    lines = text.split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR"
    for expected in ("VERSION:2.0", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
                     "X-WR-CALNAME:WIR-Fristen Werra-Meißner-Kreis"):
        assert expected in lines
    assert any(line.startswith("PRODID:") for line in lines)


def test_feed_has_one_all_day_event_per_deadline(client, coordinator_a, award_a):
    text = unfold(calendar_of(client, coordinator_a).content.decode())
    events = re.findall(r"BEGIN:VEVENT\r\n(.*?)END:VEVENT", text, re.S)

    assert len(events) == 5
    event = next(e for e in events if f"UID:{award_a.pk}-zwischennachweis-2024@wirfunding" in e)
    own, alarm = event.split("BEGIN:VALARM")
    props = dict(line.split(":", 1) for line in own.split("\r\n") if line)
    assert props["DTSTART;VALUE=DATE"] == "20250331"
    assert props["DTEND;VALUE=DATE"] == "20250401"
    assert props["SUMMARY"] == "Zwischennachweis 2024 fällig – WIR-21-0021"
    assert props["STATUS"] == "CONFIRMED"
    assert re.fullmatch(r"\d{8}T\d{6}Z", props["DTSTAMP"])
    assert "Zeitraum: 01.01.2024 bis 31.12.2024\\n" in props["DESCRIPTION"]
    assert f"/antraege/{award_a.application.pk}/" in props["DESCRIPTION"]
    assert "TRIGGER:-P14D" in alarm and "ACTION:DISPLAY" in alarm


def test_feed_uids_are_stable_between_requests(client, coordinator_a, award_a):
    first = re.findall(r"UID:[^\r]+", calendar_of(client, coordinator_a).content.decode())
    later = re.findall(r"UID:[^\r]+", calendar_of(client, coordinator_a, day=(1, 5, 2025)).content.decode())
    assert set(first) == set(later)
    assert len(set(first)) == len(first) == 5


def test_feed_escapes_commas_semicolons_backslashes(client, coordinator_a, award_a):
    Municipality.objects.filter(pk=coordinator_a.municipality_id).update(name="Kreis A, Nord; Süd\\West")
    text = unfold(calendar_of(client, coordinator_a).content.decode())
    assert "X-WR-CALNAME:WIR-Fristen Kreis A\\, Nord\\; Süd\\\\West" in text
    assert "Gebietskörperschaft: Kreis A\\, Nord\\; Süd\\\\West\\n" in text


def test_other_bodys_token_never_shows_this_bodys_deadlines(client, coordinator_a, coordinator_b, award_a, award_b):
    text = calendar_of(client, coordinator_b).content.decode()
    assert "WIR-21-0022" in text
    assert "WIR-21-0021" not in text and f"UID:{award_a.pk}-" not in text


@pytest.mark.parametrize("token", ["unbekannt", "x" * 43, "-" * 50])
def test_unknown_token_is_404(client, coordinator_a, award_a, token):
    coordinator_a.calendar_token = "k" * 43
    coordinator_a.save(update_fields=["calendar_token"])
    assert client.get(feed_url(token)).status_code == 404


def test_blank_token_is_404(client, coordinator_a, award_a):
    assert coordinator_a.calendar_token == ""
    assert client.get("/fristen/kalender/.ics").status_code == 404


def test_deactivated_coordinators_token_is_404(client, coordinator_a, award_a):
    response = calendar_of(client, coordinator_a)
    assert response.status_code == 200
    coordinator_a.is_active = False
    coordinator_a.save(update_fields=["is_active"])
    assert client.get(feed_url(coordinator_a.calendar_token)).status_code == 404


def test_token_of_someone_not_coordinating_is_404(client, clerk, award_a):
    clerk.calendar_token = "c" * 43
    clerk.save(update_fields=["calendar_token"])
    assert client.get(feed_url(clerk.calendar_token)).status_code == 404


def test_token_of_a_coordinator_moved_to_the_ministry_is_404(client, coordinator_a, award_a):
    calendar_of(client, coordinator_a)
    type(coordinator_a).objects.filter(pk=coordinator_a.pk).update(role=Role.SACHBEARBEITUNG, municipality=None)
    assert client.get(feed_url(coordinator_a.calendar_token)).status_code == 404


# -- payment dates of fixed reclaims -------------------------------------------------------------------


@pytest.fixture
def fixed_reclaim(award_a, clerk, approver):
    """A Rückforderungsbescheid of 03.03.2025 over 1.000,00 € (1.050,00 € with interest by the
    payment date 15.04.2025), written directly: the deadlines only read it."""
    ensure_base_rates()
    notice = Notice.objects.create(kind=Notice.Kind.RECLAIM, number="WIR-21-B2025-007",
                                   application=award_a.application, award=award_a, issued_on=date(2025, 3, 3),
                                   issued_by=approver, snapshot={"reclaim": {"total_due": "1050.00"}})
    return Reclaim.objects.create(
        award=award_a, award_year=award_a.years.get(budget__year=2022), ground=Reclaim.Ground.UNUSED,
        principal=Decimal("1000.00"), reason="Nicht verbraucht.", interest_from=date(2023, 1, 2),
        proposed_by=clerk, decided_by=approver, status=Reclaim.Status.ISSUED, notice=notice,
        due_on=date(2025, 4, 15))


def reclaim_rows_of(response):
    html = response.content.decode()
    if 'id="tabelle-zahlungsfristen"' not in html:
        return []
    table = html[html.index('id="tabelle-zahlungsfristen"'):]
    table = table[:table.index("</table>")]
    rows = re.findall(r'<tr id="rueckforderung-\d+">(.*?)</tr>', table, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in rows]


def test_coordinator_sees_the_payment_date_of_a_fixed_reclaim(client, coordinator_a, coordinator_b, fixed_reclaim,
                                                               award_b):
    [row] = reclaim_rows_of(get(client, coordinator_a))
    assert row.startswith("WIR-21-0021 WIR-21-B2025-007 15.04.2025 1.050,00 €") and row.endswith("offen")
    assert reclaim_rows_of(get(client, coordinator_b)) == []  # another body's reclaim is never shown


def test_the_payment_date_turns_overdue_and_disappears_once_settled(client, clerk, fixed_reclaim):
    [row] = reclaim_rows_of(get(client, clerk, day=(16, 4, 2025)))
    assert row.startswith("Werra-Meißner-Kreis WIR-21-0021") and row.endswith("überfällig")
    Reclaim.objects.filter(pk=fixed_reclaim.pk).update(status=Reclaim.Status.SETTLED)
    assert reclaim_rows_of(get(client, clerk, day=(16, 4, 2025))) == []


def test_feed_has_the_payment_date_of_a_fixed_reclaim(client, coordinator_a, fixed_reclaim):
    text = unfold(calendar_of(client, coordinator_a).content.decode())
    event = next(e for e in re.findall(r"BEGIN:VEVENT\r\n(.*?)END:VEVENT", text, re.S)
                 if f"UID:rueckforderung-{fixed_reclaim.pk}@wirfunding" in e)
    props = dict(line.split(":", 1) for line in event.split("\r\n") if line)
    assert props["DTSTART;VALUE=DATE"] == "20250415"
    assert props["SUMMARY"] == "Rückforderung zahlen – WIR-21-0021"
    assert "Rückforderungsbescheid WIR-21-B2025-007 vom 03.03.2025" in props["DESCRIPTION"]
    assert "Bei Zahlung bis zum 15.04.2025: 1.050\\,00 €" in props["DESCRIPTION"]
