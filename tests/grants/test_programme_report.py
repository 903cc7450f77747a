"""Programmbericht (grants/selectors/report.py): figures equal hand-computed sums, the sum rows
add up, the CSV and XLSX exports carry the same rows, the chart says in words what it shows.

The scenario: programme wir-2021 with two budget years (2021, 2022), two bodies, one binding
reclaim, seen on 01.07.2023 (interim proofs 2021 due 31.03.2022, final proofs 30.06.2023):

  Werra-Meißner-Kreis  100.000,00 € a year; paid 40.000,00 (2021) + 8.000,25 (2022);
                       reclaim 5.000,00 of 2021, festgesetzt, 1.500,00 + 250,25 received;
                       interim 2021 accepted, final submitted (outstanding: final → 2022).
  Hochtaunuskreis      80.000,50 € a year; paid 30.000,00 (2021); award closed;
                       no proofs (outstanding: interim 2021, final → 2022).
  Not counted: a proposed and a discarded reclaim, a requested payment, another programme.
"""

import csv
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from grants.exports.csv_writer import table_csv
from grants.exports.xlsx_writer import tables_xlsx
from grants.models import Award, Notice, Reclaim, ReclaimRepayment, UsageReport
from grants.selectors import report
from grants.services.disbursements import disbursement_request
from tests import factories
from tests.grants.test_reports import pay

M = Decimal
TODAY = date(2023, 7, 1)
K, R = UsageReport.Kind, UsageReport.Status

YEAR_ROWS = [
    ["2021", "180.000,50 €", "70.000,00 €", "5.000,00 €", "1.750,25 €", "65.000,00 €", "1", "1", "1"],
    ["2022", "180.000,50 €", "8.000,25 €", "0,00 €", "0,00 €", "8.000,25 €", "2", "1", "1"],
]
YEAR_TOTAL = ["Summe", "360.001,00 €", "78.000,25 €", "5.000,00 €", "1.750,25 €", "73.000,25 €", "3", "1", "1"]
BODY_ROWS = [
    ["Hochtaunuskreis", "160.001,00 €", "30.000,00 €", "0,00 €", "0,00 €", "30.000,00 €", "2", "0", "1"],
    ["Werra-Meißner-Kreis", "200.000,00 €", "48.000,25 €", "5.000,00 €", "1.750,25 €", "43.000,25 €", "1", "1",
     "0"],
]
BODY_TOTAL = ["Summe", *YEAR_TOTAL[1:]]
HEADER = ["bewilligt", "ausgezahlt", "zurückgefordert", "zurückgezahlt", "netto ausgezahlt", "offene Nachweise",
          "Zuwendungen laufend", "Zuwendungen abgeschlossen"]


@dataclass
class Scenario:
    programme: object
    award_a: Award
    award_b: Award


def make_reclaim(award, year, principal, status, *, proposer, decider, number):
    notice, extra = None, {}
    if status != Reclaim.Status.PROPOSED:
        extra = {"decided_by": decider, "decided_at": datetime(2023, 5, 2, tzinfo=UTC)}
    if status in Reclaim.BINDING_STATUSES:
        notice = Notice.objects.create(kind=Notice.Kind.RECLAIM, number=f"WIR-21-R2023-{number:03d}",
                                       application=award.application, award=award, issued_on=date(2023, 5, 2),
                                       issued_by=decider)
        extra["due_on"] = date(2023, 6, 2)
    return Reclaim.objects.create(
        award=award, award_year=award.years.get(budget__year=year), ground=Reclaim.Ground.UNUSED,
        principal=M(principal), reason="Nicht verwendete Mittel", interest_from=date(2022, 3, 1), status=status,
        proposed_by=proposer, notice=notice, **extra)


def build_report_scenario(coordinator_a, coordinator_b, clerk, approver) -> Scenario:
    programme = factories.make_programme(code="wir-2021", start=2021, end=2022)
    award_a = factories.approved_award(programme, coordinator_a, clerk, approver)
    award_b = factories.approved_award(programme, coordinator_b, clerk, approver, grant=M("80000.50"))
    pay(award_a, coordinator_a, clerk, approver, year=2021, amount="40000.00", reference="ZA-1")
    pay(award_a, coordinator_a, clerk, approver, year=2022, amount="8000.25", reference="ZA-2")
    pay(award_b, coordinator_b, clerk, approver, year=2021, amount="30000.00", reference="ZA-3")
    disbursement_request(award=award_a, year=2022, amount=M("10000.00"), user=coordinator_a)  # not paid

    issued = make_reclaim(award_a, 2021, "5000.00", Reclaim.Status.ISSUED, proposer=clerk, decider=approver,
                          number=1)
    for received_on, amount in ((date(2023, 6, 1), "1500.00"), (date(2023, 6, 20), "250.25")):
        ReclaimRepayment.objects.create(reclaim=issued, received_on=received_on, amount=M(amount), booked_by=clerk)
    make_reclaim(award_b, 2021, "999.00", Reclaim.Status.PROPOSED, proposer=clerk, decider=approver, number=2)
    make_reclaim(award_b, 2022, "777.00", Reclaim.Status.DISCARDED, proposer=clerk, decider=approver, number=3)

    UsageReport.objects.create(award=award_a, kind=K.INTERIM, year=2021, status=R.ACCEPTED)
    UsageReport.objects.create(award=award_a, kind=K.FINAL, status=R.SUBMITTED)
    Award.objects.filter(pk=award_b.pk).update(status=Award.Status.CLOSED, closed_at=datetime(2023, 6, 30, tzinfo=UTC))

    # Another programme: nothing of it may appear.
    other = factories.make_programme(code="wir-2026", start=2026, end=2030)
    factories.approved_award(other, coordinator_a, clerk, approver)
    return Scenario(programme, award_a, award_b)


@pytest.fixture
def scenario(coordinator_a, coordinator_b, clerk, approver):
    return build_report_scenario(coordinator_a, coordinator_b, clerk, approver)


@pytest.fixture
def figures(scenario):
    return report.programme_figures(scenario.programme, today=TODAY)


def displayed(row):
    return [cell.display for cell in row]


# -- figures ----------------------------------------------------------------------------------------


def test_year_figures_equal_hand_computed_sums(figures):
    by_year = {row.year: row.figures for row in figures.years}
    assert list(by_year) == [2021, 2022]
    assert by_year[2021] == report.Figures(awarded=M("180000.50"), paid=M("70000.00"), reclaimed=M("5000.00"),
                                           repaid=M("1750.25"), open_proofs=1, running=1, closed=1)
    assert by_year[2021].net_paid == M("65000.00")
    assert by_year[2022] == report.Figures(awarded=M("180000.50"), paid=M("8000.25"), reclaimed=M("0.00"),
                                           repaid=M("0.00"), open_proofs=2, running=1, closed=1)


def test_body_figures_equal_hand_computed_sums(figures):
    by_body = {row.name: row.figures for row in figures.bodies}
    assert list(by_body) == ["Hochtaunuskreis", "Werra-Meißner-Kreis"]
    assert by_body["Werra-Meißner-Kreis"] == report.Figures(
        awarded=M("200000.00"), paid=M("48000.25"), reclaimed=M("5000.00"), repaid=M("1750.25"), open_proofs=1,
        running=1, closed=0)
    assert by_body["Hochtaunuskreis"].net_paid == M("30000.00")
    assert (by_body["Hochtaunuskreis"].open_proofs, by_body["Hochtaunuskreis"].closed) == (2, 1)


def test_totals_of_both_tables_agree_and_count_each_award_once(figures):
    for total in (figures.year_total, figures.body_total):
        assert (total.awarded, total.paid, total.reclaimed, total.repaid, total.net_paid) == (
            M("360001.00"), M("78000.25"), M("5000.00"), M("1750.25"), M("73000.25"))
        assert (total.open_proofs, total.running, total.closed) == (3, 1, 1)


def test_proofs_are_outstanding_only_once_due(scenario):
    before_final_due = report.programme_figures(scenario.programme, today=date(2023, 6, 29))
    assert [row.figures.open_proofs for row in before_final_due.years] == [1, 0]  # Hochtaunuskreis' interim 2021
    on_final_due_day = report.programme_figures(scenario.programme, today=date(2023, 6, 30))
    assert [row.figures.open_proofs for row in on_final_due_day.years] == [1, 2]
    before_any_due = report.programme_figures(scenario.programme, today=date(2022, 3, 30))
    assert before_any_due.year_total.open_proofs == 0


def test_a_settled_reclaim_still_counts_as_reclaimed(scenario, figures):
    Reclaim.objects.filter(status=Reclaim.Status.ISSUED).update(status=Reclaim.Status.SETTLED,
                                                                settled_at=datetime(2023, 6, 21, tzinfo=UTC))
    again = report.programme_figures(scenario.programme, today=TODAY)
    assert (again.year_total.reclaimed, again.year_total.repaid) == (M("5000.00"), M("1750.25"))


def test_programme_without_awards_has_budget_years_and_zero_totals(db):
    programme = factories.make_programme(code="wir-leer", start=2031, end=2032)
    figures = report.programme_figures(programme, today=TODAY)
    assert [row.year for row in figures.years] == [2031, 2032]
    assert figures.bodies == [] and figures.year_total.awarded == M("0.00")


def test_default_programme_is_the_current_period(scenario):
    programmes = report.programmes_for_report()
    assert report.default_programme(programmes, date(2022, 5, 1)).code == "wir-2021"
    assert report.default_programme(programmes, date(2027, 5, 1)).code == "wir-2026"
    # Between periods: the newest with awards.
    assert report.default_programme(programmes, date(2024, 5, 1)).code == "wir-2026"


# -- tables and exports ---------------------------------------------------------------------------------


def test_tables_show_rows_and_totals_in_german_format(figures):
    years, bodies = report.report_tables(figures)
    assert [c.label for c in years.columns] == ["Haushaltsjahr", *HEADER]
    assert [displayed(row) for row in years.rows] == YEAR_ROWS
    assert displayed(years.totals) == YEAR_TOTAL
    assert [c.label for c in bodies.columns] == ["Gebietskörperschaft", *HEADER]
    assert [displayed(row) for row in bodies.rows] == BODY_ROWS
    assert displayed(bodies.totals) == BODY_TOTAL


def test_csv_has_bom_semicolons_decimal_commas_and_the_sum_row(figures):
    years, bodies = report.report_tables(figures)
    data = table_csv(years)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Haushaltsjahr", *HEADER]
    assert rows[1] == ["2021", "180000,50", "70000,00", "5000,00", "1750,25", "65000,00", "1", "1", "1"]
    assert rows[-1] == ["Summe", "360001,00", "78000,25", "5000,00", "1750,25", "73000,25", "3", "1", "1"]
    body_rows = list(csv.reader(io.StringIO(table_csv(bodies).decode("utf-8-sig")), delimiter=";"))
    assert body_rows[-1][0] == "Summe"
    assert len(body_rows) == 1 + 2 + 1


def test_xlsx_has_one_sheet_per_table_with_real_numbers_and_euro_format(figures):
    workbook = load_workbook(io.BytesIO(tables_xlsx(report.report_tables(figures), title="Programmbericht")))
    assert workbook.sheetnames == ["Haushaltsjahre", "Gebietskörperschaften"]
    years = [[cell.value for cell in row] for row in workbook["Haushaltsjahre"].iter_rows()]
    assert years[0] == ["Haushaltsjahr", *HEADER]
    assert years[1] == ["2021", 180000.5, 70000, 5000, 1750.25, 65000, 1, 1, 1]
    assert years[-1] == ["Summe", 360001, 78000.25, 5000, 1750.25, 73000.25, 3, 1, 1]
    sheet = workbook["Haushaltsjahre"]
    assert sheet["B2"].number_format == "#,##0.00 €"
    assert sheet["A4"].font.bold and sheet["B4"].font.bold
    bodies = [[cell.value for cell in row] for row in workbook["Gebietskörperschaften"].iter_rows()]
    assert bodies[1][:3] == ["Hochtaunuskreis", 160001, 30000]
    assert bodies[-1] == ["Summe", 360001, 78000.25, 5000, 1750.25, 73000.25, 3, 1, 1]


# -- the chart -----------------------------------------------------------------------------------------


def test_chart_has_three_bars_a_year_and_says_the_figures_in_words(figures):
    chart = report.report_chart(figures, title="Bericht")
    assert [(bar.year, bar.series.key, bar.value) for bar in chart.bars] == [
        (2021, "awarded", M("180000.50")), (2021, "paid", M("70000.00")), (2021, "reclaimed", M("5000.00")),
        (2022, "awarded", M("180000.50")), (2022, "paid", M("8000.25")), (2022, "reclaimed", M("0.00")),
    ]
    assert "2021: bewilligt 180.000,50 €, ausgezahlt 70.000,00 €, zurückgefordert 5.000,00 €." in chart.description
    tallest = max(chart.bars, key=lambda bar: M(bar.height))
    assert tallest.series.key == "awarded"
    assert M(tallest.y) >= chart.plot_top
    assert chart.hatch_colour == "#b02a37"


def test_no_chart_without_budget_years(db):
    programme = factories.make_programme(code="wir-ohne", start=2031, end=2032, budget=None)
    assert report.report_chart(report.programme_figures(programme, today=TODAY), title="x") is None
