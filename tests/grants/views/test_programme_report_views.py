"""Programmbericht page and downloads (grants/views/programme_report.py): who may see it, what
the page and the files contain (the hand-computed scenario of tests/grants/test_programme_report.py),
and that the page's queries do not grow with the number of awards."""

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from core import clock
from grants.models import Award, AwardYear, Notice, Reclaim, ReclaimRepayment, UsageReport
from municipalities.models import Municipality
from tests import factories
from tests.grants.test_programme_report import (
    BODY_ROWS,
    BODY_TOTAL,
    HEADER,
    YEAR_ROWS,
    YEAR_TOTAL,
    build_report_scenario,
)
from tests.grants.views.test_programme_views import bulk_awards, extra_bodies, tables_of

M = Decimal
REPORT = reverse("grants:programme_report")
BERLIN = ZoneInfo("Europe/Berlin")


def export_url(fmt):
    return reverse("grants:programme_report_export", args=[fmt])


def on(day: date):
    return clock.frozen_at(datetime(day.year, day.month, day.day, 10, tzinfo=BERLIN))


@pytest.fixture
def scenario(coordinator_a, coordinator_b, clerk, approver):
    return build_report_scenario(coordinator_a, coordinator_b, clerk, approver)


def get(client, user, url=REPORT, data=None, day=date(2023, 7, 1)):
    client.force_login(user)
    with on(day):
        return client.get(url, data or {})


# -- access ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("person", ["clerk", "approver", "programme_admin"])
def test_ministry_staff_may_open_the_report(client, request, person, scenario):
    assert get(client, request.getfixturevalue(person)).status_code == 200


@pytest.mark.parametrize("url", [REPORT, export_url("csv"), export_url("xlsx")])
def test_coordinator_is_refused_403_with_the_german_reason(client, coordinator_a, scenario, url):
    response = get(client, coordinator_a, url, {"programm": "wir-2021"})

    assert response.status_code == 403
    assert "Nur das Ministerium kann die Daten aller Gebietskörperschaften einsehen." in response.content.decode()


@pytest.mark.parametrize("url", [REPORT, export_url("csv")])
def test_anonymous_is_sent_to_login(client, programme, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_programme_pages_link_the_report_for_ministry_staff_only(client, clerk, coordinator_a, programme):
    page = get(client, clerk, reverse("grants:programme_overview")).content.decode()
    assert f'href="{REPORT}?programm=wir-2026"' in page  # tab on the overview, for the programme shown
    client.logout()
    assert REPORT not in get(client, coordinator_a, reverse("dashboard")).content.decode()


def test_the_report_tab_is_current_and_the_programme_entry_of_the_navigation(client, clerk, programme):
    page = get(client, clerk).content.decode()
    assert f'href="{REPORT}?programm=wir-2026" aria-current="page">Programmbericht</a>' in page
    assert 'aria-current="page">Übersicht</a>' not in page
    overview = reverse("grants:programme_overview")
    assert f'href="{overview}" aria-current="page">Programm</a>' in page


# -- the page ----------------------------------------------------------------------------------------


def test_default_is_the_programme_of_the_current_period(client, clerk, scenario):
    page = get(client, clerk, day=date(2027, 3, 1)).content.decode()
    assert '<option value="wir-2026" selected>' in page


def test_past_programme_is_selectable_and_shows_the_hand_computed_tables(client, clerk, scenario):
    response = get(client, clerk, data={"programm": "wir-2021"})

    tables = tables_of(response)
    assert tables["bericht-jahre"][0] == ["Haushaltsjahr", *HEADER[:-2], "Zuwendungen"]
    assert tables["bericht-jahre"][1] == ["laufend", "abgeschlossen"]
    assert tables["bericht-jahre"][2:] == [*YEAR_ROWS, YEAR_TOTAL]
    assert tables["bericht-koerperschaften"][2:] == [*BODY_ROWS, BODY_TOTAL]
    assert '<option value="wir-2021" selected>' in response.content.decode()


def test_chart_has_title_description_and_a_bar_per_year_and_series(client, clerk, scenario):
    page = get(client, clerk, data={"programm": "wir-2021"}).content.decode()

    assert 'role="img"' in page and 'aria-describedby="diagramm-beschreibung"' in page
    assert "2021: bewilligt 180.000,50 €, ausgezahlt 70.000,00 €, zurückgefordert 5.000,00 €." in page
    assert page.count('data-series="reclaimed"') == 2
    assert 'data-year="2022" data-series="paid"' in page


def test_page_links_the_downloads_of_the_chosen_programme(client, clerk, scenario):
    page = get(client, clerk, data={"programm": "wir-2021"}).content.decode()
    for fmt, table in (("csv", "jahre"), ("xlsx", "koerperschaften"), ("xlsx", "alle")):
        assert f'{export_url(fmt)}?programm=wir-2021&amp;tabelle={table}' in page


def test_unknown_programme_is_404_with_the_german_reason(client, clerk, scenario):
    response = get(client, clerk, data={"programm": "wir-1999"})
    assert response.status_code == 404
    assert "Ein Förderprogramm mit dem Kürzel „wir-1999“ gibt es nicht." in response.content.decode()


# -- downloads -----------------------------------------------------------------------------------------


def test_csv_download_of_the_body_table(client, clerk, scenario):
    response = get(client, clerk, export_url("csv"), {"programm": "wir-2021", "tabelle": "koerperschaften"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="wir-2021_bericht_koerperschaften.csv"'
    assert "no-store" in response["Cache-Control"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[1] == ["Hochtaunuskreis", "160001,00", "30000,00", "0,00", "0,00", "30000,00", "2", "0", "1"]
    assert rows[-1] == ["Summe", "360001,00", "78000,25", "5000,00", "1750,25",
                        "73000,25", "3", "1", "1"]


def test_csv_defaults_to_the_year_table(client, clerk, scenario):
    response = get(client, clerk, export_url("csv"), {"programm": "wir-2021"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Haushaltsjahr" and rows[-1][0] == "Summe"


def test_xlsx_download_has_one_sheet_per_table(client, clerk, scenario):
    response = get(client, clerk, export_url("xlsx"), {"programm": "wir-2021"})

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="wir-2021_programmbericht.xlsx"'
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Haushaltsjahre", "Gebietskörperschaften"]
    years = [[c.value for c in row] for row in workbook["Haushaltsjahre"].iter_rows()]
    assert years[-1] == ["Summe", 360001, 78000.25, 5000, 1750.25, 73000.25, 3, 1, 1]
    bodies = [[c.value for c in row] for row in workbook["Gebietskörperschaften"].iter_rows()]
    assert [row[0] for row in bodies[1:]] == ["Hochtaunuskreis", "Werra-Meißner-Kreis",
                                              "Summe"]
    assert workbook["Gebietskörperschaften"]["C3"].number_format == "#,##0.00 €"


def test_xlsx_of_one_table(client, clerk, scenario):
    response = get(client, clerk, export_url("xlsx"), {"programm": "wir-2021", "tabelle": "jahre"})
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Haushaltsjahre"]
    assert response["Content-Disposition"] == 'attachment; filename="wir-2021_bericht_haushaltsjahre.xlsx"'


@pytest.mark.parametrize(("fmt", "params", "text"), [
    ("pdf", {}, "Dieses Exportformat gibt es nicht."),
    ("csv", {"tabelle": "alle"}, "Diese Tabelle gibt es nicht."),
    ("xlsx", {"tabelle": "bezirke"}, "Diese Tabelle gibt es nicht."),
    ("csv", {"programm": "wir-1999"}, "Ein Förderprogramm mit dem Kürzel „wir-1999“"),
])
def test_unknown_format_table_or_programme_is_404(client, clerk, programme, fmt, params, text):
    response = get(client, clerk, export_url(fmt), params)
    assert response.status_code == 404
    assert text in response.content.decode()


# -- queries -------------------------------------------------------------------------------------------


def _proofs_and_reclaims(programme, clerk, approver):
    """For every award of the programme: an accepted interim proof and a festgesetzt reclaim with
    a repayment, so the report's every query has rows to read."""
    awards = list(Award.objects.filter(application__programme=programme, usage_reports__isnull=True))
    UsageReport.objects.bulk_create(UsageReport(award=a, kind=UsageReport.Kind.INTERIM,
                                                year=programme.period_start.year, status=UsageReport.Status.ACCEPTED)
                                    for a in awards)
    notices = Notice.objects.bulk_create(
        Notice(kind=Notice.Kind.RECLAIM, number=f"R-{a.pk}", application_id=a.application_id, award=a,
               issued_on=date(2036, 1, 5), issued_by=approver) for a in awards)
    first_years = {y.award_id: y for y in AwardYear.objects.filter(award__in=awards,
                                                                   budget__year=programme.period_start.year)}
    reclaims = Reclaim.objects.bulk_create(
        Reclaim(award=a, award_year=first_years[a.pk], ground=Reclaim.Ground.UNUSED, principal=M("100.00"),
                reason="Test", interest_from=date(2032, 1, 1), status=Reclaim.Status.ISSUED, proposed_by=clerk,
                decided_by=approver, decided_at=datetime(2036, 1, 5, tzinfo=UTC), notice=n, due_on=date(2036, 2, 5))
        for a, n in zip(awards, notices, strict=True))
    ReclaimRepayment.objects.bulk_create(
        ReclaimRepayment(reclaim=r, received_on=date(2036, 2, 1), amount=M("30.00"), booked_by=clerk)
        for r in reclaims)


def _report_queries(client, code):
    with on(date(2037, 1, 15)), CaptureQueriesContext(connection) as queries:
        response = client.get(REPORT, {"programm": code})
    assert response.status_code == 200
    return len(queries), tables_of(response)


def test_report_queries_do_not_grow_with_the_number_of_awards(client, clerk, approver, coordinator_a):
    programme = factories.make_programme(code="wir-2031", start=2031, end=2035)
    bodies = list(Municipality.objects.order_by("name")) + extra_bodies(17)
    client.force_login(clerk)
    client.get(REPORT)  # warm up session and caches

    bulk_awards(programme, bodies[:5], clerk, approver, coordinator_a)
    _proofs_and_reclaims(programme, clerk, approver)
    with_five, tables_five = _report_queries(client, programme.code)
    bulk_awards(programme, bodies[5:], clerk, approver, coordinator_a)
    _proofs_and_reclaims(programme, clerk, approver)
    with_fifty, tables_fifty = _report_queries(client, programme.code)

    assert len(tables_five["bericht-koerperschaften"]) == 2 + 5 + 1
    assert len(tables_fifty["bericht-koerperschaften"]) == 2 + 50 + 1
    # 2031: 50 × 1.000,00 awarded, 50 × 400,00 paid, 50 × 100,00 reclaimed, 50 × 30,00 received;
    # open on 15.01.2037: interim 2032–2034 and the final proof (counted in 2035), for each award.
    assert tables_fifty["bericht-jahre"][2] == ["2031", "50.000,00 €", "20.000,00 €", "5.000,00 €", "1.500,00 €",
                                                "15.000,00 €", "0", "50", "0"]
    assert tables_fifty["bericht-jahre"][-1][6] == str(50 * 4)
    assert with_five == with_fifty
