"""Programmbericht: what became of a programme period's money, per budget year and per body.

Pure selectors, free of requests and templates; the tables are written by grants/exports. Per budget year and per body:

- *bewilligt*: the awarded amounts (`AwardYear.amount`);
- *ausgezahlt*: booked payments (`Disbursement` "ausgezahlt");
- *zurückgefordert*: the principal of reclaims that are binding (festgesetzt or erledigt),
  by the budget year of the award year they reclaim;
- *zurückgezahlt*: money received on those reclaims (`ReclaimRepayment`). Repayments settle
  interest first (§ 367 BGB), so this is money received, not principal repaid;
- *netto ausgezahlt*: ausgezahlt − zurückgefordert;
- *offene Nachweise*: proofs of use due by `today` (due date on or before it) that are not
  accepted – missing ones included; an interim proof counts for its budget year, the final
  proof for the award's last budget year;
- *Zuwendungen laufend / abgeschlossen*: per year the awards with an amount in that year;
  per body and in the year table's sum row every award once.

Every sum is computed in the database; the number of queries does not depend on the number
of awards (eleven in all).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Prefetch, Sum
from django.utils.translation import gettext as _

from core.formats import format_date
from core.money import ZERO, format_eur, to_money
from grants.charts import HATCH, Bar, BarChart, Label, LegendItem, Series, Tick, axis_label, nice_step, px
from grants.exports.tables import COUNT, MONEY, Cell, Column, ReportTable, cells
from grants.models import (
    Award,
    AwardYear,
    Budget,
    Disbursement,
    FundingProgramme,
    Reclaim,
    ReclaimRepayment,
    UsageReport,
)
from grants.selectors import overview
from grants.selectors.deadlines import report_deadlines
from municipalities.models import Municipality

RUNNING, CLOSED = Award.Status.RUNNING, Award.Status.CLOSED


# -- Programme selection ---------------------------------------------------------------------


def programmes_for_report() -> list[overview.ReportProgramme]:
    """All programme periods, newest first, each marked `has_awards`. One query."""
    return overview.programmes_for_report()


def default_programme(programmes: list[overview.ReportProgramme], today: date) -> FundingProgramme | None:
    """The programme whose period contains `today` (the newest, should periods overlap);
    otherwise the newest with awards, else the newest."""
    current = next((p for p in programmes if p.period_start <= today <= p.period_end), None)
    return current or overview.default_programme(programmes)


# -- Figures -----------------------------------------------------------------------------------


@dataclass
class Figures:
    """The money and counts of one row (a budget year or a body)."""

    awarded: Decimal = ZERO
    paid: Decimal = ZERO
    reclaimed: Decimal = ZERO
    repaid: Decimal = ZERO
    open_proofs: int = 0
    running: int = 0
    closed: int = 0

    @property
    def net_paid(self) -> Decimal:
        return self.paid - self.reclaimed

    def add(self, other: "Figures") -> None:
        for name in ("awarded", "paid", "reclaimed", "repaid", "open_proofs"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class YearRow:
    year: int
    figures: Figures = field(default_factory=Figures)


@dataclass
class BodyRow:
    municipality: Municipality
    figures: Figures = field(default_factory=Figures)

    @property
    def name(self) -> str:
        return self.municipality.display_name


@dataclass
class ProgrammeFigures:
    programme: FundingProgramme
    today: date
    years: list[YearRow]
    bodies: list[BodyRow]
    year_total: Figures
    body_total: Figures


def _sums(queryset, year_path: str, body_path: str, amount: str) -> dict[tuple[int, int], Decimal]:
    """{(budget year, municipality id): sum}, grouped in the database."""
    rows = queryset.values_list(year_path, body_path).annotate(total=Sum(amount)).order_by()
    return {(year, body): to_money(total) for year, body, total in rows}


def _open_proofs(programme: FundingProgramme, today: date) -> dict[tuple[int, int], int]:
    """{(budget year, municipality id): proofs due by `today` and not accepted}. Three queries
    (awards, their years, their reports), then the deadlines are computed in Python."""
    awards = (
        Award.objects.filter(application__programme=programme)
        .select_related("application__programme")
        .only("pk", "period_start", "period_end", "application__municipality_id",
              *[f"application__programme__{name}" for name in ("id", "interim_report_day",
                                                               "interim_report_month", "final_report_months")])
        .prefetch_related(
            Prefetch("years", queryset=AwardYear.objects.select_related("budget").only("award_id", "budget__year")),
            Prefetch("usage_reports", queryset=UsageReport.objects.only("pk", "award_id", "kind", "year", "status")),
        )
    )
    counts: dict[tuple[int, int], int] = defaultdict(int)
    for award in awards:
        years = sorted(row.budget.year for row in award.years.all()
                       if award.period_start.year <= row.budget.year <= award.period_end.year)
        if not years:
            continue
        accepted = {(r.kind, r.year) for r in award.usage_reports.all() if r.status == UsageReport.Status.ACCEPTED}
        for deadline in report_deadlines(award, years=years):
            if deadline.due <= today and (deadline.kind, deadline.year) not in accepted:
                year = deadline.year if deadline.year is not None else years[-1]
                counts[(year, award.application.municipality_id)] += 1
    return counts


def _count_award(figures: Figures, status: str, count: int) -> None:
    if status == CLOSED:
        figures.closed += count
    else:
        figures.running += count


def programme_figures(programme: FundingProgramme, *, today: date) -> ProgrammeFigures:
    """Every figure of the report for one programme period on `today`. Eleven queries."""
    budget_years = list(Budget.objects.filter(programme=programme).order_by("year").values_list("year", flat=True))
    in_programme = {"budget__programme": programme}
    awarded = _sums(AwardYear.objects.filter(**in_programme), "budget__year",
                    "award__application__municipality", "amount")
    paid = _sums(Disbursement.objects.filter(award_year__budget__programme=programme,
                                             status=Disbursement.Status.PAID),
                 "award_year__budget__year", "award_year__award__application__municipality", "amount")
    binding = Reclaim.objects.filter(award_year__budget__programme=programme, status__in=Reclaim.BINDING_STATUSES)
    reclaimed = _sums(binding, "award_year__budget__year", "award__application__municipality", "principal")
    repaid = _sums(ReclaimRepayment.objects.filter(reclaim__in=binding), "reclaim__award_year__budget__year",
                   "reclaim__award__application__municipality", "amount")
    open_proofs = _open_proofs(programme, today)
    # Awards with an amount in the year, by status (an award has at most one row per year).
    per_year_status = (AwardYear.objects.filter(**in_programme).values_list("budget__year", "award__status")
                       .annotate(n=Count("award", distinct=True)).order_by())
    # Every award once, per body and status.
    per_body_status = (Award.objects.filter(application__programme=programme)
                       .values_list("application__municipality", "status").annotate(n=Count("pk")).order_by())
    body_ids = {body for body, _status, _count in per_body_status}
    municipalities = list(Municipality.objects.filter(pk__in=body_ids).order_by("name"))

    years = {year: YearRow(year) for year in budget_years}
    bodies = {m.pk: BodyRow(m) for m in municipalities}
    for name, sums in (("awarded", awarded), ("paid", paid), ("reclaimed", reclaimed), ("repaid", repaid),
                       ("open_proofs", open_proofs)):
        for (year, body), value in sums.items():
            for row in (years.get(year), bodies.get(body)):
                if row is not None:
                    setattr(row.figures, name, getattr(row.figures, name) + value)
    for rows, counts in ((years, per_year_status), (bodies, per_body_status)):
        for key, status, count in counts:
            if key in rows:
                _count_award(rows[key].figures, status, count)

    year_total, body_total = Figures(), Figures()
    for row in years.values():
        year_total.add(row.figures)
    for row in bodies.values():
        body_total.add(row.figures)
        body_total.running += row.figures.running
        body_total.closed += row.figures.closed
    # Each award once in the sum row of the year table, too.
    year_total.running, year_total.closed = body_total.running, body_total.closed
    return ProgrammeFigures(programme=programme, today=today, years=list(years.values()),
                            bodies=list(bodies.values()), year_total=year_total, body_total=body_total)


# -- Tables --------------------------------------------------------------------------------------


def _figure_columns() -> list[Column]:
    return [Column(_("bewilligt"), MONEY), Column(_("ausgezahlt"), MONEY), Column(_("zurückgefordert"), MONEY),
            Column(_("zurückgezahlt"), MONEY), Column(_("netto ausgezahlt"), MONEY),
            Column(_("offene Nachweise"), COUNT), Column(_("Zuwendungen laufend"), COUNT),
            Column(_("Zuwendungen abgeschlossen"), COUNT)]


def _cells(columns: list[Column], label: str, figures: Figures) -> tuple[Cell, ...]:
    return cells(columns, label, figures.awarded, figures.paid, figures.reclaimed, figures.repaid, figures.net_paid,
               figures.open_proofs, figures.running, figures.closed)


def years_table(data: ProgrammeFigures) -> ReportTable:
    columns = [Column(_("Haushaltsjahr")), *_figure_columns()]
    return ReportTable(
        programme=data.programme, key="jahre", slug="bericht_haushaltsjahre", title=_("Haushaltsjahre"),
        caption=_("Mittel, Rückforderungen, offene Nachweise (Stand %(date)s) und Zuwendungen je Haushaltsjahr")
        % {"date": format_date(data.today)},
        columns=columns,
        rows=[_cells(columns, str(row.year), row.figures) for row in data.years],
        totals=_cells(columns, _("Summe"), data.year_total),
        empty=_("Für dieses Förderprogramm sind noch keine Haushaltsansätze angelegt."),
    )


def bodies_table(data: ProgrammeFigures) -> ReportTable:
    columns = [Column(_("Gebietskörperschaft")), *_figure_columns()]
    return ReportTable(
        programme=data.programme, key="koerperschaften", slug="bericht_koerperschaften",
        title=_("Gebietskörperschaften"),
        caption=_("Mittel, Rückforderungen, offene Nachweise (Stand %(date)s) und Zuwendungen je "
                  "Gebietskörperschaft über alle Haushaltsjahre") % {"date": format_date(data.today)},
        columns=columns,
        rows=[_cells(columns, row.name, row.figures) for row in data.bodies],
        totals=_cells(columns, _("Summe"), data.body_total),
        empty=_("In diesem Förderprogramm gibt es noch keine Zuwendungen."),
    )


TABLES = {"jahre": years_table, "koerperschaften": bodies_table}


def report_tables(data: ProgrammeFigures) -> list[ReportTable]:
    return [builder(data) for builder in TABLES.values()]


# -- Chart: awarded, paid and reclaimed per budget year -----------------------------------------


def report_series() -> list[Series]:
    """Colour is never the only carrier (see grants/charts.py): light fill with outline,
    solid, hatched; every outline reaches 3:1 against white."""
    return [
        Series("awarded", _("bewilligt"), "serie-bewilligt", stroke="#0b4f9c", fill="#dbe7f5"),
        Series("paid", _("ausgezahlt"), "serie-ausgezahlt", stroke="#17613a", fill="#17613a"),
        Series("reclaimed", _("zurückgefordert"), "serie-zurueckgefordert", stroke="#b02a37", fill=HATCH),
    ]


def _cents(amount: Decimal) -> int:
    return int(amount * 100)


def report_chart(data: ProgrammeFigures, *, title: str, width: int = 760) -> BarChart | None:
    """Grouped bars per budget year (bewilligt, ausgezahlt, zurückgefordert), the geometry of
    `grants.charts.budget_chart`, drawn by the same template."""
    if not data.years:
        return None
    series = report_series()
    plot_left, plot_right, plot_top, plot_height = 104, width - 16, 56, 260
    plot_bottom = plot_top + plot_height
    height = plot_bottom + 52
    values = [{"awarded": r.figures.awarded, "paid": r.figures.paid, "reclaimed": r.figures.reclaimed}
              for r in data.years]
    max_cents = max(_cents(max(v.values())) for v in values)
    step = nice_step(max_cents)
    top = max(step, -(-max_cents // step) * step)

    def y_of(cents: int) -> Decimal:
        return Decimal(plot_bottom) - Decimal(cents) * plot_height / top

    in_millions = top >= 100 * 1_000_000
    ticks = [Tick(px(y_of(cents)), axis_label(cents, millions=in_millions)) for cents in range(0, top + 1, step)]
    group = Decimal(plot_right - plot_left) / len(data.years)
    gap = Decimal(4)
    bar_width = min((group * Decimal("0.78") - 2 * gap) / len(series), Decimal(56))
    cluster = bar_width * len(series) + gap * (len(series) - 1)
    bars, year_labels = [], []
    for index, (row, figures) in enumerate(zip(data.years, values, strict=True)):
        start = plot_left + group * index + (group - cluster) / 2
        for position, s in enumerate(series):
            top_y = y_of(_cents(figures[s.key]))
            bars.append(Bar(year=row.year, series=s, value=figures[s.key], x=px(start + position * (bar_width + gap)),
                            y=px(top_y), width=px(bar_width), height=px(plot_bottom - top_y)))
        year_labels.append(Label(px(plot_left + group * index + group / 2), str(plot_bottom + 22), str(row.year)))
    legend, x = [], plot_left
    for s in series:
        legend.append(LegendItem(s, str(x), str(24 - 13), str(x + 26), str(24)))
        x += 26 + 8 * len(s.label) + 32
    return BarChart(
        series=series, title=title, description=chart_description(data, series), width=width, height=height,
        plot_left=plot_left, plot_right=plot_right, plot_top=plot_top, plot_bottom=plot_bottom,
        bars=bars, ticks=ticks, year_labels=year_labels, legend=legend,
        axis_label=Label(px(Decimal(plot_left + plot_right) / 2), str(plot_bottom + 44), _("Haushaltsjahr")),
    )


def chart_description(data: ProgrammeFigures, series: list[Series] | None = None) -> str:
    """The chart in words: its text alternative."""
    names = ", ".join(s.label for s in (series or report_series()))
    parts = [_("Gruppiertes Balkendiagramm mit je drei Balken pro Haushaltsjahr (%(names)s).") % {"names": names}]
    for row in data.years:
        parts.append(_("%(year)s: bewilligt %(awarded)s, ausgezahlt %(paid)s, zurückgefordert %(reclaimed)s.") % {
            "year": row.year, "awarded": format_eur(row.figures.awarded), "paid": format_eur(row.figures.paid),
            "reclaimed": format_eur(row.figures.reclaimed)})
    return " ".join(parts)
