"""The public list of awards (/offene-daten/): who appears, with which amounts, in which format,
for whom, and what it never shows.

The cast: coordinator A (Werra-Meißner-Kreis) has an award 2026–2028 of 100.000,00 € a year
whose Zuwendungsbescheid was issued on 01.02.2026; the clock stands on 01.03.2027."""

import csv
import io
import json
from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from accounts.roles import Role
from core.money import format_eur
from grants.models import AwardRevision, Notice
from grants.services.amendments import amendment_approve
from grants.services.awards import application_reject
from municipalities.models import Municipality
from tests import factories
from tests.grants.amendment_helpers import frozen, issued_award, recommended, year_row

D = Decimal
BASE = "/offene-daten/zuwendungen/wir-2026"


@pytest.fixture(autouse=True)
def frozen_clock():
    with frozen():
        yield


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def anonymous():
    return Client()


@pytest.fixture
def award(programme, coordinator_a, clerk, approver):
    return issued_award(programme, coordinator_a, clerk, approver)


def coordinator_of(name: str):
    body = Municipality.objects.get(name=name)
    return factories.make_user(f"koordination-{body.ags}", Role.KOORDINATION, body)


def files(client, year: int):
    csv_response = client.get(f"{BASE}/{year}.csv")
    json_response = client.get(f"{BASE}/{year}.json")
    assert (csv_response.status_code, json_response.status_code) == (200, 200)
    rows = list(csv.DictReader(io.StringIO(csv_response.content.decode("utf-8")), delimiter=";"))
    return rows, json.loads(json_response.content)


def recipients(client, year: int) -> list[str]:
    rows, document = files(client, year)
    assert [row["empfaenger"] for row in rows] == [record["empfaenger"] for record in document["datensaetze"]]
    return [row["empfaenger"] for row in rows]


# -- who appears -----------------------------------------------------------------------------------


def test_only_awards_with_an_issued_zuwendungsbescheid_appear(
        anonymous, programme, award, coordinator_b, clerk, approver):
    # Body B: approved, but its Zuwendungsbescheid is not issued yet.
    factories.approved_award(programme, coordinator_b, clerk, approver, on=date(2027, 2, 1), notice=False)
    # Kassel: rejected; Gießen: recommended; Fulda: a draft.
    rejected = factories.in_review_application(programme, coordinator_of("Kassel"), clerk)
    application_reject(application=rejected, user=approver, reason="Die Antragsfrist war versäumt.")
    factories.recommended_application(programme, coordinator_of("Gießen"), clerk)
    factories.draft_application(programme, coordinator_of("Fulda"))

    assert recipients(anonymous, 2027) == ["Werra-Meißner-Kreis"]
    page = anonymous.get(f"{BASE}/2027/").content.decode()
    assert "Werra-Meißner-Kreis" in page
    for absent in ("Hochtaunuskreis", "Stadt Kassel", "Landkreis Gießen", "Landkreis Fulda"):
        assert absent not in page.split("<table", 1)[1]


def test_an_award_whose_notice_is_not_yet_issued_appears_once_it_is(anonymous, programme, coordinator_b, clerk,
                                                                     approver):
    award = factories.approved_award(programme, coordinator_b, clerk, approver, on=date(2027, 2, 1), notice=False)
    assert recipients(anonymous, 2027) == []

    factories.issue_notice(award.application, approver, date(2027, 3, 1))

    assert recipients(anonymous, 2027) == ["Hochtaunuskreis"]


def test_a_notice_dated_ahead_is_public_from_its_date(anonymous, programme, coordinator_b, clerk, approver):
    award = factories.approved_award(programme, coordinator_b, clerk, approver, on=date(2027, 2, 1), notice=False)
    with factories.at(date(2027, 3, 1)):
        factories.issue_award_notice(award, approver, issued_on=date(2027, 3, 4))

    assert recipients(anonymous, 2027) == []
    with factories.at(date(2027, 3, 4), 0):
        assert recipients(anonymous, 2027) == ["Hochtaunuskreis"]


def test_a_later_aenderungsbescheid_changes_the_yearly_amounts_shown(
        anonymous, award, coordinator_a, clerk, approver2):
    rows, document = files(anonymous, 2027)
    assert (rows[0]["betrag"], rows[0]["bewilligungszeitraum_ende"], rows[0]["aenderungsbescheid_datum"]) == (
        "100000.00", "2028-12-31", "")
    assert document["datensaetze"][0]["aenderungsbescheid_datum"] is None
    assert recipients(anonymous, 2029) == []

    request = amendment_approve(request=recommended(award, coordinator_a, clerk), user=approver2)

    rows, document = files(anonymous, 2027)
    assert (rows[0]["betrag"], rows[0]["zuwendung_gesamt"], rows[0]["bewilligungszeitraum_ende"]) == (
        "80000.00", "300000.00", "2029-06-30")
    assert rows[0]["aenderungsbescheid_datum"] == request.notice.issued_on.isoformat() == "2027-03-01"
    assert document["datensaetze"][0]["aenderungsbescheid_datum"] == "2027-03-01"
    assert document["summe"] == "80000.00"
    rows, _document = files(anonymous, 2029)
    assert [(row["empfaenger"], row["betrag"]) for row in rows] == [("Werra-Meißner-Kreis", "30000.00")]
    assert "80.000,00 €" in anonymous.get(f"{BASE}/2027/").content.decode()


def test_a_year_dropped_by_an_amendment_leaves_that_years_list(anonymous, award, coordinator_a, clerk, approver2):
    rows = {2026: year_row("100000.00"), 2027: year_row("100000.00")}
    amendment_approve(request=recommended(award, coordinator_a, clerk, rows=rows, period_end=date(2027, 12, 31)),
                      user=approver2)

    assert recipients(anonymous, 2027) == ["Werra-Meißner-Kreis"]
    assert recipients(anonymous, 2028) == []


def test_an_award_loaded_without_its_first_fassung_shows_its_year_rows(anonymous, award):
    """Bulk-loaded data (seed_scale) has awards without Fassung 1: their year rows are the amounts."""
    AwardRevision.objects.filter(award=award).delete()
    rows, _document = files(anonymous, 2027)
    assert [(row["empfaenger"], row["betrag"], row["zuwendung_gesamt"], row["bewilligungszeitraum_ende"])
            for row in rows] == [("Werra-Meißner-Kreis", "100000.00", "300000.00", "2028-12-31")]


# -- nothing personal ------------------------------------------------------------------------------


def test_nothing_personal_in_any_format(anonymous, award, coordinator_a, approver, body_a):
    body_a.iban, body_a.treasury_account_holder = "DE89370400440532013000", "Kreiskasse Eschwege"
    body_a.save()
    authority = award.application.programme.issuing_authority
    authority.iban = "DE02500500000001234567"
    authority.save()
    application = award.application
    personal = [
        coordinator_a.get_full_name(), coordinator_a.email, application.contact_name, application.contact_email,
        approver.get_full_name(), approver.email, authority.contact_name, authority.contact_email,
        "DE89370400440532013000", "DE89 3704", "DE02500500000001234567", "Kreiskasse Eschwege",
        authority.contact_phone,
    ]
    answers = {
        "html": anonymous.get(f"{BASE}/2027/").content.decode(),
        "csv": anonymous.get(f"{BASE}/2027.csv").content.decode(),
        "json": anonymous.get(f"{BASE}/2027.json").content.decode(),
        "index": anonymous.get("/offene-daten/").content.decode(),
    }
    assert "Werra-Meißner-Kreis" in answers["csv"]
    for name, content in answers.items():
        for value in personal:
            assert value and value not in content, f"{value!r} steht in {name}"


# -- the formats -----------------------------------------------------------------------------------


def test_csv_and_json_parse_and_carry_the_licence(anonymous, award):
    csv_response = anonymous.get(f"{BASE}/2027.csv")
    json_response = anonymous.get(f"{BASE}/2027.json")

    assert csv_response["Content-Type"] == "text/csv; charset=utf-8; header=present"
    assert csv_response["Content-Disposition"] == 'attachment; filename="zuwendungen-wir-2026-2027.csv"'
    assert json_response["Content-Type"] == "application/json; charset=utf-8"
    assert json_response["Content-Disposition"] == 'inline; filename="zuwendungen-wir-2026-2027.json"'
    for response in (csv_response, json_response):
        assert response["Link"] == '<https://www.govdata.de/dl-de/zero-2-0>; rel="license"'
    text = csv_response.content.decode("utf-8")
    assert not text.startswith("\ufeff") and text.endswith("\r\n")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert [row["lizenz"] for row in rows] == ["dl-de/zero-2-0"]
    document = json.loads(json_response.content)
    assert document["lizenz"] == {"id": "dl-de/zero-2-0", "name": "Datenlizenz Deutschland – Zero – Version 2.0",
                                  "url": "https://www.govdata.de/dl-de/zero-2-0"}
    assert document["herausgeber"] == "Hessisches Ministerium für Arbeit, Integration, Jugend und Soziales"
    site = settings.SITE_URL.rstrip("/")
    assert document["quelle"] == f"{site}/offene-daten/zuwendungen/wir-2026/2027.json"
    assert document["weitere_formate"] == {"html": f"{site}/offene-daten/zuwendungen/wir-2026/2027/",
                                           "csv": f"{site}/offene-daten/zuwendungen/wir-2026/2027.csv"}
    assert (document["programm"]["kennung"], document["haushaltsjahr"], document["anzahl"], document["summe"]) == (
        "wir-2026", 2027, 1, "100000.00")
    assert document["datenstand"] == "2026-02-01T11:00:00+01:00"
    assert document["erzeugt_am"] == "2027-03-01T10:00:00+01:00"


def test_formats_agree_with_each_other_and_with_the_page(anonymous, programme, award, coordinator_b, clerk,
                                                        approver):
    factories.approved_award(programme, coordinator_b, clerk, approver, on=date(2027, 2, 1),
                             grant=D("87654.32"))
    rows, document = files(anonymous, 2027)
    page = anonymous.get(f"{BASE}/2027/").content.decode()

    assert rows == [{key: "" if value is None else str(value) for key, value in record.items()}
                    for record in document["datensaetze"]]
    assert [row["empfaenger"] for row in rows] == ["Hochtaunuskreis", "Werra-Meißner-Kreis"]
    assert document["anzahl"] == len(rows) == 2
    assert document["summe"] == str(sum(D(row["betrag"]) for row in rows)) == "187654.32"
    for row in rows:
        for shown in (row["empfaenger"], row["aktenzeichen"], row["vorhaben"], format_eur(row["betrag"]),
                      format_eur(row["zuwendung_gesamt"])):
            assert shown in page
        assert date.fromisoformat(row["bescheiddatum"]).strftime("%d.%m.%Y") in page
    assert "187.654,32 €" in page


def test_the_body_filter_narrows_the_page(anonymous, programme, award, coordinator_b, clerk, approver, body_b):
    factories.approved_award(programme, coordinator_b, clerk, approver, on=date(2027, 2, 1))
    response = anonymous.get(f"{BASE}/2027/", {"koerperschaft": body_b.ags})
    table = response.content.decode().split("<table", 1)[1]
    assert "Hochtaunuskreis" in table and "Werra-Meißner-Kreis" not in table

    redirect = anonymous.get("/offene-daten/zuwendungen/", {"programm": "wir-2026", "jahr": "2027",
                                                            "koerperschaft": body_b.ags})
    assert redirect.status_code == 302
    assert redirect["Location"] == f"{BASE}/2027/?koerperschaft={body_b.ags}"


def test_files_answer_304_to_a_harvester_that_has_them(anonymous, programme, award, coordinator_b, clerk, approver):
    first = anonymous.get(f"{BASE}/2027.csv")
    assert first["ETag"].startswith('W/"') and first["Last-Modified"] == "Sun, 01 Feb 2026 10:00:00 GMT"
    assert "public" in first["Cache-Control"] and "max-age=900" in first["Cache-Control"]

    again = anonymous.get(f"{BASE}/2027.csv", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    since = anonymous.get(f"{BASE}/2027.json", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == 304

    factories.approved_award(programme, coordinator_b, clerk, approver, on=date(2027, 2, 1))
    changed = anonymous.get(f"{BASE}/2027.csv", HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]


def test_reclaims_are_not_deducted(db, anonymous):
    """A Rückforderungsbescheid is an issued notice too; the list still shows the awarded sum."""
    from tests.grants import reclaim_fixtures as r

    coordinator = factories.make_user("koordination-wmk", Role.KOORDINATION,
                                      Municipality.objects.get(name="Werra-Meißner-Kreis"))
    clerk = factories.make_user("sb", Role.SACHBEARBEITUNG)
    approver, approver2 = (factories.make_user(name, Role.BEWILLIGUNG) for name in ("bw", "bw2"))
    with r.at(r.TODAY):
        award, _notice = r.award_with_notice(coordinator, clerk, approver)
        r.pay(award, 2023, D("20000.00"), date(2023, 1, 2), coordinator=coordinator, clerk=clerk, approver=approver)
        reclaim = r.issued(r.propose(r.submitted_interim(award, coordinator), clerk), approver2)
        assert reclaim.notice.kind == Notice.Kind.RECLAIM

        response = anonymous.get("/offene-daten/zuwendungen/wir-2021/2023.csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode()), delimiter=";"))
    assert [(row["empfaenger"], row["betrag"]) for row in rows] == [("Werra-Meißner-Kreis", "100000.00")]


# -- who may see it, and bad addresses -------------------------------------------------------------


def test_anonymous_visitors_reach_every_page_and_the_footer_links_the_list(anonymous, award):
    for path in ("/offene-daten/", f"{BASE}/2027/", f"{BASE}/2027.csv", f"{BASE}/2027.json"):
        assert anonymous.get(path).status_code == 200, path
    assert anonymous.get("/offene-daten/zuwendungen/").status_code == 302
    index = anonymous.get("/offene-daten/").content.decode()
    assert f'href="{BASE}/2027.csv"' in index and "dl-de/zero-2-0" in index
    login_page = anonymous.get("/konto/login/").content.decode()
    assert 'href="/offene-daten/"' in login_page


def test_signed_in_people_see_the_same_list(client, award, coordinator_b):
    client.force_login(coordinator_b)
    response = client.get(f"{BASE}/2027/")
    assert response.status_code == 200 and "Werra-Meißner-Kreis" in response.content.decode()


@pytest.mark.parametrize(("path", "status", "message"), [
    ("/offene-daten/zuwendungen/gibt-es-nicht/2027/", 404, "Eine Förderperiode „gibt-es-nicht“ gibt es nicht."),
    ("/offene-daten/zuwendungen/gibt-es-nicht/2027.csv", 404, "Eine Förderperiode „gibt-es-nicht“ gibt es nicht."),
    (f"{BASE}/9999/", 404, "Das Haushaltsjahr 9999 gehört nicht zur Förderperiode 2026–2030."),
    (f"{BASE}/9999.json", 404, "Das Haushaltsjahr 9999 gehört nicht zur Förderperiode 2026–2030."),
    (f"{BASE}/abc/", 404, "Seite nicht gefunden"),
    (f"{BASE}/20x7.csv", 404, "Seite nicht gefunden"),
    ("/offene-daten/zuwendungen/?programm=wir-2026&jahr=abc", 400, "Das Haushaltsjahr „abc“ gibt es in keiner"),
    ("/offene-daten/zuwendungen/?programm=wir-2026&jahr=2099", 400, "Das Haushaltsjahr „2099“ gibt es in keiner"),
    ("/offene-daten/zuwendungen/?programm=nein&jahr=2027", 400, "Diese Förderperiode gibt es nicht."),
    (f"{BASE}/2027/?koerperschaft=abc", 400, "Eine Gebietskörperschaft mit dem Schlüssel „abc“ gibt es nicht."),
])
def test_bad_addresses_get_a_german_answer_never_a_500(anonymous, award, path, status, message):
    response = anonymous.get(path)
    assert response.status_code == status
    assert message in response.content.decode()


def test_a_year_of_another_period_is_refused_by_the_filter(anonymous, award):
    factories.make_programme(code="wir-2021", start=2021, end=2025)
    response = anonymous.get("/offene-daten/zuwendungen/", {"programm": "wir-2026", "jahr": "2021"})
    assert response.status_code == 400
    assert "Das Haushaltsjahr 2021 gehört nicht zur Förderperiode 2026–2030." in response.content.decode()


def test_only_get_and_head_are_answered(anonymous, award):
    assert anonymous.head(f"{BASE}/2027.csv").status_code == 200
    assert anonymous.post(f"{BASE}/2027.csv").status_code == 405


@override_settings(OPEN_DATA_LIMIT_PER_ADDRESS=3)
def test_too_many_requests_from_one_address_are_refused_for_an_hour(anonymous, award):
    for _ in range(3):
        assert anonymous.get(f"{BASE}/2027.csv").status_code == 200
    refused = anonymous.get(f"{BASE}/2027.json")
    assert refused.status_code == 429 and refused["Retry-After"] == "3600"
    assert "zu viele Anfragen" in refused.content.decode()
    assert Client(REMOTE_ADDR="10.0.0.7").get(f"{BASE}/2027.csv").status_code == 200


# -- cost ------------------------------------------------------------------------------------------


def queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_query_count_does_not_grow_with_the_number_of_awards(anonymous, programme, award, clerk, approver):
    paths = ("/offene-daten/", f"{BASE}/2027/", f"{BASE}/2027.csv", f"{BASE}/2027.json")
    with_one = [queries(anonymous, path) for path in paths]
    for name in ("Kassel", "Gießen", "Fulda", "Hochtaunuskreis"):
        factories.approved_award(programme, coordinator_of(name), clerk, approver, on=date(2027, 2, 1))
    assert len(files(anonymous, 2027)[0]) == 5
    with_five = [queries(anonymous, path) for path in paths]
    assert with_five == with_one


def test_before_its_notice_date_an_award_is_not_public(anonymous, award):
    with factories.at(date(2026, 1, 31)):
        assert recipients(anonymous, 2026) == []
    with factories.at(date(2026, 2, 1), 0):
        assert recipients(anonymous, 2026) == ["Werra-Meißner-Kreis"]
