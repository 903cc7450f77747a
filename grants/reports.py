"""The programme report: budget years, awards per body and per Regierungsbezirk, and their
CSV and XLSX exports.

Plain functions over the database, free of requests and templates, so a management command
or a scheduled task can build the same tables the overview page shows. Every figure is
summed in the database; the number of queries does not grow with the number of awards.
"""

import csv
import io
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Exists, OuterRef, Sum
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from grants.models import Award, AwardYear, Disbursement, FundingProgramme
from core.money import ZERO, format_eur, to_money
from grants.selectors import BudgetYearFigures, budget_figures
from municipalities.models import Municipality

PERCENT_STEP = Decimal("0.1")


# -- Programme selection ------------------------------------------------------------------


def programmes_for_report() -> list[FundingProgramme]:
    """All programme periods, newest first, each marked `has_awards`. One query."""
    return list(
        FundingProgramme.objects.annotate(
            has_awards=Exists(Award.objects.filter(application__programme=OuterRef("pk")))
        ).order_by("-period_start", "-pk")
    )


def default_programme(programmes: list[FundingProgramme]) -> FundingProgramme | None:
    """The newest programme with awards, else the newest; None when there is none."""
    return next((p for p in programmes if p.has_awards), programmes[0] if programmes else None)


# -- Figures --------------------------------------------------------------------------------


def share(part: Decimal, whole: Decimal) -> Decimal | None:
    """`part` as a percentage of `whole`, one decimal place; None when `whole` is zero."""
    if not whole:
        return None
    return (part * 100 / whole).quantize(PERCENT_STEP, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class YearTotals:
    budget: Decimal
    committed: Decimal
    paid: Decimal

    @property
    def remaining(self) -> Decimal:
        return self.budget - self.committed


def year_totals(years: list[BudgetYearFigures]) -> YearTotals:
    return YearTotals(
        budget=sum((y.budget for y in years), ZERO),
        committed=sum((y.committed for y in years), ZERO),
        paid=sum((y.paid for y in years), ZERO),
    )


@dataclass(frozen=True)
class BodyFigures:
    """One award: the body it went to, its total over all years and what has been paid."""

    municipality: str
    regierungsbezirk: str  # the label, e.g. "Gießen"
    district_code: str
    file_reference: str
    application_id: int
    awarded: Decimal
    paid: Decimal

    @property
    def share_paid(self) -> Decimal | None:
        return share(self.paid, self.awarded)


def body_figures(programme: FundingProgramme) -> list[BodyFigures]:
    """Per award of the programme, ordered by body name. Three queries."""
    awards = list(
        Award.objects.filter(application__programme=programme)
        .select_related("application__municipality")
        .order_by("application__municipality__name", "pk")
    )
    awarded = dict(
        AwardYear.objects.filter(award__application__programme=programme)
        .values_list("award").annotate(Sum("amount")).order_by()
    )
    paid = dict(
        Disbursement.objects.filter(award_year__award__application__programme=programme,
                                    status=Disbursement.Status.PAID)
        .values_list("award_year__award").annotate(Sum("amount")).order_by()
    )
    return [
        BodyFigures(
            municipality=award.application.municipality.name,
            regierungsbezirk=str(award.application.municipality.get_regierungsbezirk_display()),
            district_code=award.application.municipality.regierungsbezirk,
            file_reference=award.application.file_reference or "",
            application_id=award.application_id,
            awarded=awarded.get(award.pk) or ZERO,
            paid=paid.get(award.pk) or ZERO,
        )
        for award in awards
    ]


@dataclass(frozen=True)
class DistrictFigures:
    regierungsbezirk: str
    award_count: int
    awarded: Decimal
    paid: Decimal

    @property
    def share_paid(self) -> Decimal | None:
        return share(self.paid, self.awarded)


def district_figures(bodies: list[BodyFigures]) -> list[DistrictFigures]:
    """All three Regierungsbezirke (also those without awards), from the per-award figures."""
    rows = []
    for code, label in Municipality.Regierungsbezirk.choices:
        members = [b for b in bodies if b.district_code == code]
        rows.append(DistrictFigures(
            regierungsbezirk=str(label), award_count=len(members),
            awarded=sum((b.awarded for b in members), ZERO), paid=sum((b.paid for b in members), ZERO),
        ))
    return rows


def awarded_and_paid(rows) -> tuple[Decimal, Decimal]:
    """Sums of `awarded` and `paid` over body or district rows."""
    return sum((r.awarded for r in rows), ZERO), sum((r.paid for r in rows), ZERO)


# -- Tables: what the page shows and the exports write ------------------------------------

TEXT, REFERENCE, COUNT, MONEY, PERCENT = "text", "reference", "count", "money", "percent"
NUMERIC_KINDS = (COUNT, MONEY, PERCENT)


@dataclass(frozen=True)
class Column:
    label: str
    kind: str = TEXT

    @property
    def numeric(self) -> bool:
        return self.kind in NUMERIC_KINDS


@dataclass(frozen=True)
class Cell:
    value: object
    kind: str = TEXT
    link_id: int | None = None  # for REFERENCE cells: the application's pk

    @property
    def numeric(self) -> bool:
        return self.kind in NUMERIC_KINDS

    @property
    def display(self) -> str:
        """The cell as the page shows it: `2.700.000,00 €`, `42,5 %`, `–` for no value."""
        if self.value is None:
            return "–"
        if self.kind == MONEY:
            return format_eur(self.value)
        if self.kind == PERCENT:
            return f"{german_decimal(self.value)} %"
        return str(self.value)


@dataclass(frozen=True)
class ReportTable:
    programme: FundingProgramme
    key: str  # the value of ?tabelle=
    slug: str  # file name part
    title: str  # heading and sheet title (at most 31 characters)
    caption: str
    columns: list[Column]
    rows: list[tuple[Cell, ...]]
    totals: tuple[Cell, ...] | None
    empty: str = ""  # shown instead of rows when there are none

    def filename(self, fmt: str) -> str:
        return f"{self.programme.code}_{self.slug}.{fmt}"


def _row(columns: list[Column], *values, link_id=None) -> tuple[Cell, ...]:
    """Cells of one row; amounts rounded to cents (SQLite's SUM may drop trailing zeros)."""
    return tuple(
        Cell(to_money(value) if column.kind == MONEY and value is not None else value, column.kind,
             link_id if column.kind == REFERENCE else None)
        for column, value in zip(columns, values, strict=True)
    )


def years_table(programme: FundingProgramme, years: list[BudgetYearFigures] | None = None) -> ReportTable:
    years = budget_figures(programme) if years is None else years
    columns = [Column(_("Haushaltsjahr")), Column(_("Haushaltsansatz"), MONEY),
               Column(_("gebunden (Bewilligungen)"), MONEY), Column(_("ausgezahlt"), MONEY),
               Column(_("frei"), MONEY)]
    total = year_totals(years)
    return ReportTable(
        programme=programme, key="jahre", slug="haushaltsjahre", title=_("Haushaltsjahre"),
        caption=_("Haushaltsansatz, gebundene, ausgezahlte und freie Mittel je Haushaltsjahr"),
        columns=columns,
        rows=[_row(columns, str(y.year), y.budget, y.committed, y.paid, y.remaining) for y in years],
        totals=_row(columns, _("Summe"), total.budget, total.committed, total.paid, total.remaining),
        empty=_("Für dieses Förderprogramm sind noch keine Haushaltsansätze angelegt."),
    )


def bodies_table(programme: FundingProgramme, bodies: list[BodyFigures] | None = None) -> ReportTable:
    bodies = body_figures(programme) if bodies is None else bodies
    columns = [Column(_("Gebietskörperschaft")), Column(_("Regierungsbezirk")),
               Column(_("Aktenzeichen"), REFERENCE), Column(_("bewilligt"), MONEY),
               Column(_("ausgezahlt"), MONEY), Column(_("Anteil ausgezahlt"), PERCENT)]
    awarded, paid = awarded_and_paid(bodies)
    total_label = ngettext("Summe (%(count)s Zuwendung)", "Summe (%(count)s Zuwendungen)", len(bodies))
    return ReportTable(
        programme=programme, key="koerperschaften", slug="koerperschaften", title=_("Gebietskörperschaften"),
        caption=_("Zuwendungen je Gebietskörperschaft: bewilligt, bisher ausgezahlt und Anteil ausgezahlt"),
        columns=columns,
        rows=[_row(columns, b.municipality, b.regierungsbezirk, b.file_reference, b.awarded, b.paid,
                   b.share_paid, link_id=b.application_id) for b in bodies],
        totals=_row(columns, total_label % {"count": len(bodies)}, "", "", awarded, paid,
                    share(paid, awarded)),
        empty=_("In diesem Förderprogramm gibt es noch keine Zuwendungen."),
    )


def districts_table(programme: FundingProgramme, districts: list[DistrictFigures] | None = None) -> ReportTable:
    districts = district_figures(body_figures(programme)) if districts is None else districts
    columns = [Column(_("Regierungsbezirk")), Column(_("Zuwendungen"), COUNT),
               Column(_("bewilligt"), MONEY), Column(_("ausgezahlt"), MONEY)]
    awarded, paid = awarded_and_paid(districts)
    return ReportTable(
        programme=programme, key="bezirke", slug="regierungsbezirke", title=_("Regierungsbezirke"),
        caption=_("Zuwendungen je Regierungsbezirk: Anzahl, bewilligt und ausgezahlt"),
        columns=columns,
        rows=[_row(columns, d.regierungsbezirk, d.award_count, d.awarded, d.paid) for d in districts],
        totals=_row(columns, _("Summe"), sum(d.award_count for d in districts), awarded, paid),
    )


TABLES = {"jahre": years_table, "koerperschaften": bodies_table, "bezirke": districts_table}


@dataclass(frozen=True)
class ProgrammeReport:
    programme: FundingProgramme
    years: list[BudgetYearFigures]
    tables: list[ReportTable]


def programme_report(programme: FundingProgramme) -> ProgrammeReport:
    """Everything the overview shows, in six queries whatever the number of awards."""
    years = budget_figures(programme)
    bodies = body_figures(programme)
    return ProgrammeReport(programme=programme, years=years, tables=[
        years_table(programme, years),
        bodies_table(programme, bodies),
        districts_table(programme, district_figures(bodies)),
    ])


# -- Export ---------------------------------------------------------------------------------

XLSX_MONEY_FORMAT = "#,##0.00 €"
XLSX_PERCENT_FORMAT = "0.0 %"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


def german_decimal(value: Decimal) -> str:
    """`1234567.5` → `1234567,5`: decimal comma, no thousands separator (Excel reads it as a number)."""
    return str(value).replace(".", ",")


def _csv_value(cell: Cell) -> str:
    if cell.value is None:
        return ""
    if cell.kind in (MONEY, PERCENT):
        return german_decimal(cell.value)
    return str(cell.value)


def to_csv(table: ReportTable) -> bytes:
    """UTF-8 with BOM, semicolons, decimal commas, German header row: what German Excel opens."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([column.label for column in table.columns])
    for row in [*table.rows, *([table.totals] if table.totals else [])]:
        writer.writerow([_csv_value(cell) for cell in row])
    return buffer.getvalue().encode("utf-8-sig")


def _xlsx_value(cell: Cell):
    if cell.value is None or cell.value == "":
        return None
    if cell.kind == PERCENT:
        return cell.value / 100  # a Decimal fraction, shown by the percent format
    if cell.kind in NUMERIC_KINDS:
        return cell.value
    return str(cell.value)


def to_xlsx(table: ReportTable) -> bytes:
    """One sheet: bold header, real numbers with euro / percent formats, sensible widths."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = table.title[:31]
    workbook.properties.title = f"{table.programme} – {table.title}"
    workbook.properties.creator = _("WIR-Förderverwaltung")
    bold = Font(bold=True)
    sheet.append([column.label for column in table.columns])
    for cell, column in zip(sheet[1], table.columns, strict=True):
        cell.font = bold
        if column.kind in NUMERIC_KINDS:
            cell.alignment = Alignment(horizontal="right")
    body = [*table.rows, *([table.totals] if table.totals else [])]
    for index, row in enumerate(body, start=2):
        sheet.append([_xlsx_value(cell) for cell in row])
        for target, cell in zip(sheet[index], row, strict=True):
            if cell.kind == MONEY:
                target.number_format = XLSX_MONEY_FORMAT
            elif cell.kind == PERCENT:
                target.number_format = XLSX_PERCENT_FORMAT
            if table.totals is not None and row is table.totals:
                target.font = bold
    for position, column in enumerate(table.columns):
        longest = max([len(column.label)] + [len(row[position].display) for row in body])
        sheet.column_dimensions[get_column_letter(position + 1)].width = min(max(longest + 3, 10), 60)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


EXPORTERS = {"csv": (to_csv, CSV_CONTENT_TYPE), "xlsx": (to_xlsx, XLSX_CONTENT_TYPE)}
