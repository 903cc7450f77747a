"""The programme report (grants/selectors/overview.py) and its chart (grants/charts.py): figures equal
hand-computed sums, the exports are what German Excel expects, the chart is accessible."""

import csv
import io
import re
from dataclasses import dataclass
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from core import clock
from grants.charts import HATCH, WHITE, axis_label, budget_chart, nice_step
from grants.exports.csv_writer import table_csv
from grants.exports.xlsx_writer import tables_xlsx
from grants.models import Award
from grants.selectors import overview as reports
from grants.selectors.budgets import BudgetYearFigures
from grants.services.disbursements import (
    disbursement_book,
    disbursement_prepare,
    disbursement_release,
    disbursement_request,
)
from tests import factories

M = Decimal

# -- The scenario: hand-computed figures -------------------------------------------------
#
# Programme wir-2026 (make_programme): 1.000.000,00 € a year, 2026–2030.
# Werra-Meißner-Kreis (Kassel):  100.000,00 € a year = 500.000,00 €;
#   paid 40.000,00 (2026) + 8.000,25 (2027) = 48.000,25; 10.000,00 requested only (2026).
#   (2027 only up to 1/12 = 8.333,33 €: funds are callable as needed within two months.)
# Hochtaunuskreis (Darmstadt):   80.000,50 € a year = 400.002,50 €; paid 30.000,00 (2026).

COMMITTED_PER_YEAR = M("180000.50")
PAID = {2026: M("70000.00"), 2027: M("8000.25"), 2028: M("0.00"), 2029: M("0.00"), 2030: M("0.00")}
REMAINING_PER_YEAR = M("819999.50")
TOTAL_BUDGET, TOTAL_COMMITTED = M("5000000.00"), M("900002.50")
TOTAL_PAID, TOTAL_REMAINING = M("78000.25"), M("4099997.50")


@dataclass
class Scenario:
    programme: object
    award_a: Award
    award_b: Award


def pay(award, coordinator, clerk, approver, *, year, amount, reference):
    disbursement = disbursement_request(award=award, year=year, amount=M(amount), user=coordinator)
    disbursement_prepare(disbursement=disbursement, user=clerk)
    disbursement_release(disbursement=disbursement, user=approver)
    return disbursement_book(disbursement=disbursement, user=clerk, paid_on=clock.today(),
                             payment_reference=reference)


def build_scenario(programme, coordinator_a, coordinator_b, clerk, approver) -> Scenario:
    award_a = factories.approved_award(programme, coordinator_a, clerk, approver)
    award_b = factories.approved_award(programme, coordinator_b, clerk, approver, grant=M("80000.50"))
    pay(award_a, coordinator_a, clerk, approver, year=2026, amount="40000.00", reference="ZA-1")
    pay(award_a, coordinator_a, clerk, approver, year=2027, amount="8000.25", reference="ZA-2")
    pay(award_b, coordinator_b, clerk, approver, year=2026, amount="30000.00", reference="ZA-3")
    # Requested but not paid: reserved against the award, yet not "ausgezahlt".
    disbursement_request(award=award_a, year=2026, amount=M("10000.00"), user=coordinator_a)
    return Scenario(programme, award_a, award_b)


@pytest.fixture
def scenario(programme, coordinator_a, coordinator_b, clerk, approver):
    return build_scenario(programme, coordinator_a, coordinator_b, clerk, approver)


def values(row):
    return [cell.value for cell in row]


# -- Figures ------------------------------------------------------------------------------


def test_year_table_has_hand_computed_budget_committed_paid_and_remaining(scenario):
    table = reports.years_table(scenario.programme)

    assert [values(row) for row in table.rows] == [
        [str(year), M("1000000.00"), COMMITTED_PER_YEAR, PAID[year], REMAINING_PER_YEAR]
        for year in range(2026, 2031)
    ]
    assert values(table.totals) == ["Summe", TOTAL_BUDGET, TOTAL_COMMITTED, TOTAL_PAID, TOTAL_REMAINING]


def test_body_table_has_each_award_with_total_paid_and_share(scenario):
    table = reports.bodies_table(scenario.programme)

    ref_a = scenario.award_a.application.file_reference
    ref_b = scenario.award_b.application.file_reference
    assert [values(row) for row in table.rows] == [
        ["Hochtaunuskreis", "Darmstadt", ref_b, M("400002.50"), M("30000.00"), M("7.5")],
        ["Werra-Meißner-Kreis", "Kassel", ref_a, M("500000.00"), M("48000.25"), M("9.6")],
    ]
    assert values(table.totals) == ["Summe (2 Zuwendungen)", "", "", TOTAL_COMMITTED, TOTAL_PAID, M("8.7")]
    assert table.rows[0][2].link_id == scenario.award_b.application_id


def test_district_table_counts_and_sums_awards_per_regierungsbezirk(scenario):
    table = reports.districts_table(scenario.programme)

    assert [values(row) for row in table.rows] == [
        ["Darmstadt", 1, M("400002.50"), M("30000.00")],
        ["Gießen", 0, M("0.00"), M("0.00")],
        ["Kassel", 1, M("500000.00"), M("48000.25")],
    ]
    assert values(table.totals) == ["Summe", 2, TOTAL_COMMITTED, TOTAL_PAID]


def test_awards_of_other_programmes_are_not_counted(scenario, coordinator_a, clerk, approver):
    other = factories.make_programme(code="wir-2031", start=2031, end=2035)
    factories.approved_award(other, coordinator_a, clerk, approver)

    assert values(reports.years_table(scenario.programme).totals)[2] == TOTAL_COMMITTED
    assert values(reports.bodies_table(scenario.programme).totals)[3] == TOTAL_COMMITTED
    assert values(reports.bodies_table(other).totals)[3] == M("500000.00")


def test_share_paid_is_rounded_half_up_and_empty_without_an_award():
    assert reports.share(M("30000.00"), M("400002.50")) == M("7.5")
    assert reports.share(M("1.00"), M("3.00")) == M("33.3")
    assert reports.share(M("0.00"), M("0.00")) is None


def test_default_programme_is_the_newest_with_awards(scenario):
    newer = factories.make_programme(code="wir-2031", start=2031, end=2035)

    programmes = reports.programmes_for_report()

    assert [p.code for p in programmes] == ["wir-2031", "wir-2026"]
    assert reports.default_programme(programmes) == scenario.programme
    assert newer in programmes


def test_default_programme_is_the_newest_when_none_has_awards(db):
    factories.make_programme(code="wir-2021", start=2021, end=2025)
    newest = factories.make_programme(code="wir-2026", start=2026, end=2030)

    assert reports.default_programme(reports.programmes_for_report()) == newest
    assert reports.default_programme([]) is None


# -- Exports --------------------------------------------------------------------------------


def test_csv_has_bom_semicolons_german_header_and_decimal_commas(scenario):
    data = table_csv(reports.years_table(scenario.programme))

    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Haushaltsjahr", "Haushaltsansatz", "gebunden (Bewilligungen)", "ausgezahlt", "frei"]
    assert rows[1] == ["2026", "1000000,00", "180000,50", "70000,00", "819999,50"]
    assert rows[-1] == ["Summe", "5000000,00", "900002,50", "78000,25", "4099997,50"]
    assert len(rows) == 1 + 5 + 1


def test_xlsx_has_numeric_euro_cells_bold_header_widths_and_german_title(scenario):
    table = reports.bodies_table(scenario.programme)
    sheet = load_workbook(io.BytesIO(tables_xlsx([table], title=f"{table.programme} – {table.title}"))).active

    assert sheet.title == "Gebietskörperschaften"
    header = [cell.value for cell in sheet[1]]
    assert header == ["Gebietskörperschaft", "Regierungsbezirk", "Aktenzeichen", "bewilligt", "ausgezahlt",
                      "Anteil ausgezahlt"]
    assert all(cell.font.bold for cell in sheet[1])
    awarded, paid, share = sheet["D2"], sheet["E2"], sheet["F2"]
    assert sheet["A2"].value == "Hochtaunuskreis"
    assert (awarded.data_type, awarded.number_format) == ("n", "#,##0.00 €")
    assert M(str(awarded.value)) == M("400002.50") and M(str(paid.value)) == M("30000.00")
    assert (share.data_type, share.number_format) == ("n", "0.0 %") and M(str(share.value)) == M("0.075")
    assert M(str(sheet["D4"].value)) == TOTAL_COMMITTED and sheet["D4"].font.bold
    assert sheet.column_dimensions["A"].width >= len("Werra-Meißner-Kreis")


def test_file_names_carry_programme_code_and_table(scenario):
    assert reports.years_table(scenario.programme).filename("csv") == "wir-2026_haushaltsjahre.csv"
    assert reports.districts_table(scenario.programme).filename("xlsx") == "wir-2026_regierungsbezirke.xlsx"


# -- Chart ------------------------------------------------------------------------------------


def figures(*rows):
    return [BudgetYearFigures(year, M(b), M(c), M(p)) for year, b, c, p in rows]


def test_chart_has_one_bar_per_year_and_series_with_heights_in_proportion():
    chart = budget_chart(figures((2021, "2700000.00", "2270000.00", "2270000.00"),
                                 (2022, "2700000.00", "1350000.00", "0.00")), title="Haushalt")

    assert [(bar.year, bar.series.key) for bar in chart.bars] == [
        (2021, "budget"), (2021, "committed"), (2021, "paid"),
        (2022, "budget"), (2022, "committed"), (2022, "paid"),
    ]
    heights = {(bar.year, bar.series.key): M(bar.height) for bar in chart.bars}
    # Axis up to 3 Mio. € over 260 px: 2,7 Mio. € → 234 px, 1,35 Mio. € → 117 px.
    assert heights[(2021, "budget")] == M("234") and heights[(2022, "committed")] == M("117")
    assert heights[(2022, "paid")] == 0
    assert [tick.label for tick in chart.ticks] == [
        "0 €", "0,5 Mio. €", "1 Mio. €", "1,5 Mio. €", "2 Mio. €", "2,5 Mio. €", "3 Mio. €"]


def test_chart_description_names_every_figure():
    chart = budget_chart(figures((2021, "2700000.00", "2270000.00", "1000000.50")), title="Haushalt")

    assert "2021: Haushaltsansatz 2.700.000,00 €, gebunden 2.270.000,00 €, ausgezahlt 1.000.000,50 €." \
        in chart.description


def test_no_chart_without_budget_years():
    assert budget_chart([], title="Haushalt") is None


def test_chart_coordinates_are_plain_decimal_numbers():
    chart = budget_chart(figures((2021, "999999.99", "333333.33", "1.01")), title="Haushalt")

    number = re.compile(r"^-?\d+(\.\d)?$")
    for bar in chart.bars:
        assert all(number.match(value) for value in (bar.x, bar.y, bar.width, bar.height))


@pytest.mark.parametrize(("cents", "label"), [
    (0, "0 €"), (50_000_000, "500.000 €"), (100_000_000, "1 Mio. €"), (270_000_000, "2,7 Mio. €"),
    (125_000_000, "1,25 Mio. €"),
])
def test_axis_labels_are_german(cents, label):
    assert axis_label(cents) == label


def test_nice_step_covers_the_maximum_in_six_steps():
    assert nice_step(270_000_000) == 50_000_000
    assert nice_step(330_000_000) == 100_000_000
    assert nice_step(0) == 100


def _luminance(colour: str) -> Decimal:
    channels = []
    for index in (1, 3, 5):
        c = M(int(colour[index:index + 2], 16)) / 255
        channels.append(c / M("12.92") if c <= M("0.04045") else ((c + M("0.055")) / M("1.055")) ** M("2.4"))
    return M("0.2126") * channels[0] + M("0.7152") * channels[1] + M("0.0722") * channels[2]


def _contrast(a: str, b: str) -> Decimal:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + M("0.05")) / (low + M("0.05"))


def test_every_series_has_its_own_texture_and_outlines_reach_3_to_1_against_white():
    chart = budget_chart(figures((2021, "1.00", "1.00", "1.00")), title="Haushalt")

    assert len({(s.fill, s.stroke) for s in chart.series}) == 3
    assert sum(s.fill == HATCH for s in chart.series) == 1  # one hatched, one light, one solid
    for series in chart.series:
        assert _contrast(series.stroke, WHITE) >= 3, series.key
