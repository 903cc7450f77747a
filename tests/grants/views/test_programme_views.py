"""Programme overview and its exports (grants/views/programme.py): who may see it, what the
page and the downloads contain, and that the page's queries do not grow with the awards."""

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from grants.models import Application, ApplicationStatus, Award, AwardYear, Decision, Disbursement
from municipalities.models import AdministrativeCourt, Municipality
from tests import factories
from tests.grants.test_reports import build_scenario

M = Decimal
OVERVIEW = reverse("grants:programme_overview")


def export_url(fmt):
    return reverse("grants:programme_export", args=[fmt])


@pytest.fixture
def scenario(programme, coordinator_a, coordinator_b, clerk, approver):
    return build_scenario(programme, coordinator_a, coordinator_b, clerk, approver)


class _Tables(HTMLParser):
    """Text of every cell of every <table id=…>, row by row."""

    def __init__(self):
        super().__init__()
        self.tables, self._table, self._row, self._cell = {}, None, None, None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._table = self.tables.setdefault(dict(attrs).get("id"), [])
        elif tag == "tr" and self._table is not None:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self._table.append(self._row)
            self._row = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def tables_of(response):
    parser = _Tables()
    parser.feed(response.content.decode())
    return parser.tables


# -- Access ------------------------------------------------------------------------------------


@pytest.mark.parametrize("person", ["clerk", "approver", "programme_admin"])
def test_ministry_staff_may_open_the_overview(client, request, person, programme):
    client.force_login(request.getfixturevalue(person))

    assert client.get(OVERVIEW).status_code == 200


@pytest.mark.parametrize("url", [OVERVIEW, export_url("csv") + "?tabelle=jahre"])
def test_coordinator_is_refused_with_the_german_reason(client, coordinator_a, programme, url):
    client.force_login(coordinator_a)

    response = client.get(url)

    assert response.status_code == 403
    assert "Nur das Ministerium kann die Daten aller Gebietskörperschaften einsehen." in response.content.decode()


@pytest.mark.parametrize("url", [OVERVIEW, export_url("xlsx") + "?tabelle=jahre"])
def test_anonymous_user_is_sent_to_the_login(client, programme, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# -- The page ----------------------------------------------------------------------------------


def test_year_table_shows_hand_computed_figures_and_totals(client, clerk, scenario):
    client.force_login(clerk)

    rows = tables_of(client.get(OVERVIEW))["tabelle-jahre"]

    assert rows[0] == ["Haushaltsjahr", "Haushaltsansatz", "gebunden (Bewilligungen)", "ausgezahlt", "frei"]
    assert rows[1] == ["2026", "1.000.000,00 €", "180.000,50 €", "70.000,00 €", "819.999,50 €"]
    assert rows[2] == ["2027", "1.000.000,00 €", "180.000,50 €", "8.000,25 €", "819.999,50 €"]
    assert rows[3] == ["2028", "1.000.000,00 €", "180.000,50 €", "0,00 €", "819.999,50 €"]
    assert rows[-1] == ["Summe", "5.000.000,00 €", "900.002,50 €", "78.000,25 €", "4.099.997,50 €"]


def test_body_and_district_tables_show_hand_computed_figures(client, clerk, scenario):
    client.force_login(clerk)

    tables = tables_of(client.get(OVERVIEW))

    ref_a = scenario.award_a.application.file_reference
    ref_b = scenario.award_b.application.file_reference
    assert tables["tabelle-koerperschaften"][1:] == [
        ["Hochtaunuskreis", "Darmstadt", ref_b, "400.002,50 €", "30.000,00 €", "7,5 %"],
        ["Werra-Meißner-Kreis", "Kassel", ref_a, "500.000,00 €", "48.000,25 €", "9,6 %"],
        ["Summe (2 Zuwendungen)", "", "", "900.002,50 €", "78.000,25 €", "8,7 %"],
    ]
    assert tables["tabelle-bezirke"][1:] == [
        ["Darmstadt", "1", "400.002,50 €", "30.000,00 €"],
        ["Gießen", "0", "0,00 €", "0,00 €"],
        ["Kassel", "1", "500.000,00 €", "48.000,25 €"],
        ["Summe", "2", "900.002,50 €", "78.000,25 €"],
    ]


def test_file_reference_links_to_the_application(client, clerk, scenario):
    client.force_login(clerk)

    response = client.get(OVERVIEW)

    assert reverse("grants:application_detail", args=[scenario.award_a.application_id]) in response.content.decode()


def test_chart_is_an_accessible_svg_with_one_bar_per_year_and_series(client, clerk, scenario):
    client.force_login(clerk)

    html = client.get(OVERVIEW).content.decode()

    assert '<svg xmlns="http://www.w3.org/2000/svg" class="budget-chart"' in html
    assert 'role="img"' in html and 'aria-labelledby="diagramm-titel"' in html
    assert '<title id="diagramm-titel">Haushalt WIR – Vielfalt und Teilhabe 2026–2030' in html
    assert ("2026: Haushaltsansatz 1.000.000,00 €, gebunden 180.000,50 €, ausgezahlt 70.000,00 €." in html)
    for year in range(2026, 2031):
        for series in ("budget", "committed", "paid"):
            assert html.count(f'data-year="{year}" data-series="{series}"') == 1
    assert html.count("data-series=") == 15
    assert "Tabelle „Haushaltsjahre“" in html  # the sentence pointing to the text alternative
    assert "<script" not in html.split("<svg", 1)[1].split("</svg>", 1)[0]


def test_programme_select_is_a_labelled_get_form(client, clerk, scenario):
    other = factories.make_programme(code="wir-2031", start=2031, end=2035)
    client.force_login(clerk)

    html = client.get(OVERVIEW).content.decode()

    assert 'method="get"' in html
    assert '<label for="id_programm"' in html and '<select id="id_programm" name="programm"' in html
    assert '<option value="wir-2026" selected>' in html  # newest with awards, not the newer wir-2031
    assert f'<option value="{other.code}">' in html


def test_programme_is_switched_with_the_query_parameter(client, clerk, scenario):
    factories.make_programme(code="wir-2031", start=2031, end=2035, budget=M("2000000.00"))
    client.force_login(clerk)

    tables = tables_of(client.get(OVERVIEW, {"programm": "wir-2031"}))

    assert tables["tabelle-jahre"][1] == ["2031", "2.000.000,00 €", "0,00 €", "0,00 €", "2.000.000,00 €"]
    assert tables["tabelle-koerperschaften"][1] == ["In diesem Förderprogramm gibt es noch keine Zuwendungen."]


def test_unknown_programme_is_404_with_german_text(client, clerk, programme):
    client.force_login(clerk)

    response = client.get(OVERVIEW, {"programm": "wir-1999"})

    assert response.status_code == 404
    assert "Ein Förderprogramm mit dem Kürzel „wir-1999“ gibt es nicht." in response.content.decode()


def test_page_without_any_programme_says_so(client, clerk):
    client.force_login(clerk)

    response = client.get(OVERVIEW)

    assert response.status_code == 200
    assert "Es ist noch kein Förderprogramm angelegt." in response.content.decode()


def test_each_table_has_csv_and_xlsx_links_with_the_same_query(client, clerk, scenario):
    client.force_login(clerk)

    html = client.get(OVERVIEW).content.decode()

    for table in ("jahre", "koerperschaften", "bezirke"):
        for fmt in ("csv", "xlsx"):
            assert f'href="{export_url(fmt)}?programm=wir-2026&amp;tabelle={table}"' in html


# -- Exports -------------------------------------------------------------------------------------


def download_csv(client, table, **params):
    response = client.get(export_url("csv"), {"programm": "wir-2026", "tabelle": table, **params})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    return response, list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def test_csv_of_budget_years_has_german_header_and_decimal_commas(client, clerk, scenario):
    client.force_login(clerk)

    response, rows = download_csv(client, "jahre")

    assert response["Content-Disposition"] == 'attachment; filename="wir-2026_haushaltsjahre.csv"'
    assert rows[0] == ["Haushaltsjahr", "Haushaltsansatz", "gebunden (Bewilligungen)", "ausgezahlt", "frei"]
    assert rows[1:3] == [["2026", "1000000,00", "180000,50", "70000,00", "819999,50"],
                         ["2027", "1000000,00", "180000,50", "8000,25", "819999,50"]]
    assert rows[-1] == ["Summe", "5000000,00", "900002,50", "78000,25", "4099997,50"]


def test_csv_of_bodies_and_districts_equal_hand_computed_sums(client, clerk, scenario):
    client.force_login(clerk)

    _response, bodies = download_csv(client, "koerperschaften")
    response, districts = download_csv(client, "bezirke")

    assert bodies[0] == ["Gebietskörperschaft", "Regierungsbezirk", "Aktenzeichen", "bewilligt", "ausgezahlt",
                         "Anteil ausgezahlt"]
    assert bodies[2] == ["Werra-Meißner-Kreis", "Kassel", scenario.award_a.application.file_reference,
                         "500000,00", "48000,25", "9,6"]
    assert bodies[-1] == ["Summe (2 Zuwendungen)", "", "", "900002,50", "78000,25", "8,7"]
    assert response["Content-Disposition"] == 'attachment; filename="wir-2026_regierungsbezirke.csv"'
    assert districts == [["Regierungsbezirk", "Zuwendungen", "bewilligt", "ausgezahlt"],
                         ["Darmstadt", "1", "400002,50", "30000,00"], ["Gießen", "0", "0,00", "0,00"],
                         ["Kassel", "1", "500000,00", "48000,25"], ["Summe", "2", "900002,50", "78000,25"]]


def test_xlsx_export_has_numeric_cells_with_euro_format(client, clerk, scenario):
    client.force_login(clerk)

    response = client.get(export_url("xlsx"), {"programm": "wir-2026", "tabelle": "jahre"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == 'attachment; filename="wir-2026_haushaltsjahre.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.title == "Haushaltsjahre"
    assert [c.value for c in sheet[1]] == ["Haushaltsjahr", "Haushaltsansatz", "gebunden (Bewilligungen)",
                                           "ausgezahlt", "frei"]
    assert all(c.font.bold for c in sheet[1])
    for cell in sheet[2][1:] + sheet[7][1:]:
        assert (cell.data_type, cell.number_format) == ("n", "#,##0.00 €")
    assert [M(str(c.value)) for c in sheet[2][1:]] == [M("1000000.00"), M("180000.50"), M("70000.00"),
                                                       M("819999.50")]
    assert sheet["A7"].value == "Summe"
    assert [M(str(c.value)) for c in sheet[7][1:]] == [M("5000000.00"), M("900002.50"), M("78000.25"),
                                                       M("4099997.50")]


def test_xlsx_export_of_districts_has_counts_as_numbers(client, clerk, scenario):
    client.force_login(clerk)

    response = client.get(export_url("xlsx"), {"programm": "wir-2026", "tabelle": "bezirke"})

    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.title == "Regierungsbezirke"
    assert [(c.value, c.data_type) for c in sheet["B"][1:]] == [(1, "n"), (0, "n"), (1, "n"), (2, "n")]


def test_export_defaults_to_the_default_programme_and_the_year_table(client, clerk, scenario):
    client.force_login(clerk)

    response = client.get(export_url("csv"))

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="wir-2026_haushaltsjahre.csv"'


@pytest.mark.parametrize(("fmt", "params", "text"), [
    ("pdf", {"tabelle": "jahre"}, "Dieses Exportformat gibt es nicht."),
    ("csv.exe", {}, "Dieses Exportformat gibt es nicht."),
    ("csv", {"tabelle": "alles"}, "Diese Tabelle gibt es nicht."),
    ("xlsx", {"tabelle": "jahre", "programm": "wir-1999"}, "Ein Förderprogramm mit dem Kürzel „wir-1999“"),
])
def test_unknown_format_table_or_programme_is_404_with_german_text(client, clerk, programme, fmt, params, text):
    client.force_login(clerk)

    response = client.get(export_url(fmt), params)

    assert response.status_code == 404
    assert text in response.content.decode()


def test_export_without_any_programme_is_404(client, clerk):
    client.force_login(clerk)

    response = client.get(export_url("csv"))

    assert response.status_code == 404
    assert "Es ist noch kein Förderprogramm angelegt." in response.content.decode()


# -- Queries ---------------------------------------------------------------------------------------


def extra_bodies(count):
    court = AdministrativeCourt.objects.first()
    return Municipality.objects.bulk_create(
        Municipality(name=f"Testkörperschaft {n}", kind=Municipality.Kind.LANDKREIS, ags=f"99{n:06d}",
                     regierungsbezirk=Municipality.Regierungsbezirk.GIESSEN, seat="Teststadt",
                     recipient_body="Kreisausschuss Test", administrative_court=court)
        for n in range(count))


def bulk_awards(programme, bodies, clerk, approver, coordinator):
    """Award rows for the query-count test only: written directly, with one paid
    disbursement per award year, without going through the services."""
    start, end = programme.period_start, programme.period_end
    applications = Application.objects.bulk_create(
        Application(programme=programme, municipality=body, file_reference=f"T-{programme.code}-{body.pk}",
                    status=ApplicationStatus.APPROVED, title="WIR-Vielfaltszentrum", purpose="Test",
                    period_start=start, period_end=end, created_by=clerk)
        for body in bodies)
    decisions = Decision.objects.bulk_create(
        Decision(application=a, outcome=Decision.Outcome.APPROVED, decided_by=approver,
                 decided_at=datetime(2031, 1, 15, 10, tzinfo=UTC)) for a in applications)
    awards = Award.objects.bulk_create(
        Award(application=a, decision=d, period_start=start, period_end=end, plan_snapshot={})
        for a, d in zip(applications, decisions, strict=True))
    years = AwardYear.objects.bulk_create(
        AwardYear(award=award, budget=budget, amount=M("1000.00"))
        for award in awards for budget in programme.budgets.all())
    Disbursement.objects.bulk_create(
        Disbursement(award_year=year, amount=M("400.00"), status=Disbursement.Status.PAID, requested_by=coordinator,
                     prepared_by=clerk, released_by=approver, paid_on=date(2031, 2, 1), payment_reference="T")
        for year in years)


def _overview_queries(client, code):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(OVERVIEW, {"programm": code})
    assert response.status_code == 200
    return len(queries), tables_of(response)


def test_overview_queries_do_not_grow_with_the_number_of_awards(client, clerk, approver, coordinator_a):
    programme = factories.make_programme(code="wir-2031", start=2031, end=2035)
    bodies = list(Municipality.objects.order_by("name")) + extra_bodies(17)
    assert len(bodies) == 50
    client.force_login(clerk)
    client.get(OVERVIEW)  # warm up session and caches

    bulk_awards(programme, bodies[:5], clerk, approver, coordinator_a)
    with_five, tables_five = _overview_queries(client, programme.code)
    bulk_awards(programme, bodies[5:], clerk, approver, coordinator_a)
    with_fifty, tables_fifty = _overview_queries(client, programme.code)

    assert len(tables_five["tabelle-koerperschaften"]) == 1 + 5 + 1
    assert len(tables_fifty["tabelle-koerperschaften"]) == 1 + 50 + 1
    assert tables_fifty["tabelle-jahre"][1] == ["2031", "1.000.000,00 €", "50.000,00 €", "20.000,00 €",
                                                "950.000,00 €"]
    assert with_five == with_fifty
