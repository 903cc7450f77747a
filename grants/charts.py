"""Server-rendered SVG charts: geometry here, markup in `templates/grants/_budget_chart.svg`.

All arithmetic is done on integer cents and Decimal pixels; only the finished coordinate
is turned into a string. No JavaScript: the chart prints and works without scripts.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from core.money import format_eur
from grants.selectors.budgets import BudgetYearFigures

PIXEL = Decimal("0.1")
CENTS_PER_EURO = 100
CENTS_PER_MILLION = 100 * 1_000_000


@dataclass(frozen=True)
class Series:
    """One kind of bar. Colour is never the only carrier: each series also has its own
    texture (light fill with outline, hatching, solid), and every outline reaches 3:1
    against the white background (WCAG 1.4.11)."""

    key: str
    label: str
    css_class: str
    stroke: str  # outline; also the hatching colour
    fill: str  # a colour, or the hatch pattern defined in the template


WHITE = "#ffffff"
HATCH = "url(#muster-gebunden)"


def budget_series() -> list[Series]:
    return [
        Series("budget", _("Haushaltsansatz"), "serie-ansatz", stroke="#0b4f9c", fill="#dbe7f5"),
        Series("committed", _("gebunden"), "serie-gebunden", stroke="#b14a00", fill=HATCH),
        Series("paid", _("ausgezahlt"), "serie-ausgezahlt", stroke="#17613a", fill="#17613a"),
    ]


@dataclass(frozen=True)
class Bar:
    year: int
    series: Series
    value: Decimal
    x: str
    y: str
    width: str
    height: str

    @property
    def title(self) -> str:
        return f"{self.year} – {self.series.label}: {format_eur(self.value)}"


@dataclass(frozen=True)
class Tick:
    y: str
    label: str


@dataclass(frozen=True)
class Label:
    x: str
    y: str
    text: str


@dataclass(frozen=True)
class LegendItem:
    series: Series
    x: str
    y: str
    text_x: str
    text_y: str


@dataclass(frozen=True)
class BarChart:
    series: list[Series]
    title: str
    description: str
    width: int
    height: int
    plot_left: int
    plot_right: int
    plot_top: int
    plot_bottom: int
    bars: list[Bar]
    ticks: list[Tick]
    year_labels: list[Label]
    legend: list[LegendItem]
    axis_label: Label

    @property
    def hatch_colour(self) -> str:
        return next(s.stroke for s in self.series if s.fill == HATCH)


def px(value) -> str:
    """A pixel coordinate as SVG text: one decimal place, no trailing `.0`."""
    text = str(Decimal(value).quantize(PIXEL, rounding=ROUND_HALF_UP))
    return text[:-2] if text.endswith(".0") else text


def _cents(amount: Decimal) -> int:
    return int(amount * CENTS_PER_EURO)


def nice_step(max_cents: int, intervals: int = 6) -> int:
    """The smallest step of 1, 2, 2.5 or 5 × 10ⁿ euro cents with `intervals` steps ≥ max."""
    if max_cents <= 0:
        return CENTS_PER_EURO
    magnitude = 1
    while True:
        for step in (magnitude, magnitude * 2, magnitude * 5 // 2, magnitude * 5):
            if step * intervals >= max_cents:
                return step
        magnitude *= 10


def axis_label(cents: int, *, millions: bool | None = None) -> str:
    """German axis labels: `0 €`, `500.000 €`, `1 Mio. €`, `2,5 Mio. €`; with `millions`
    every label of the axis is in millions (`0,5 Mio. €`), so one axis uses one unit."""
    if cents == 0:
        return "0 €"
    if millions is None:
        millions = abs(cents) >= CENTS_PER_MILLION
    if millions:
        amount = (Decimal(cents) / CENTS_PER_MILLION).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        text = f"{amount:f}".rstrip("0").rstrip(".").replace(".", ",")
        return _("%(amount)s Mio. €") % {"amount": text}
    text = format_eur(Decimal(cents) / CENTS_PER_EURO)
    return text.replace(",00 €", " €")


def _description(years: list[BudgetYearFigures], series: list[Series]) -> str:
    names = ", ".join(s.label for s in series)
    parts = [_("Gruppiertes Balkendiagramm mit je drei Balken pro Haushaltsjahr (%(names)s).") % {"names": names}]
    for year in years:
        parts.append(
            _("%(year)s: Haushaltsansatz %(budget)s, gebunden %(committed)s, ausgezahlt %(paid)s.") % {
                "year": year.year, "budget": format_eur(year.budget),
                "committed": format_eur(year.committed), "paid": format_eur(year.paid)}
        )
    return " ".join(parts)


def budget_chart(years: list[BudgetYearFigures], *, title: str, width: int = 760) -> BarChart | None:
    """Grouped bars per budget year: Haushaltsansatz, gebunden, ausgezahlt."""
    if not years:
        return None
    series = budget_series()
    plot_left, plot_right, plot_top, plot_height = 104, width - 16, 56, 260
    plot_bottom = plot_top + plot_height
    height = plot_bottom + 52

    max_cents = max(_cents(max(y.budget, y.committed, y.paid)) for y in years)
    step = nice_step(max_cents)
    top = max(step, -(-max_cents // step) * step)  # ceiling to a whole step

    def y_of(cents: int) -> Decimal:
        return Decimal(plot_bottom) - Decimal(cents) * plot_height / top

    in_millions = top >= CENTS_PER_MILLION
    ticks = [Tick(px(y_of(cents)), axis_label(cents, millions=in_millions)) for cents in range(0, top + 1, step)]

    group = Decimal(plot_right - plot_left) / len(years)
    gap = Decimal(4)
    bar_width = min((group * Decimal("0.78") - 2 * gap) / len(series), Decimal(56))
    cluster = bar_width * len(series) + gap * (len(series) - 1)
    bars, year_labels = [], []
    for index, year in enumerate(years):
        start = plot_left + group * index + (group - cluster) / 2
        values = {"budget": year.budget, "committed": year.committed, "paid": year.paid}
        for position, s in enumerate(series):
            value = values[s.key]
            top_y = y_of(_cents(value))
            bars.append(Bar(year=year.year, series=s, value=value, x=px(start + position * (bar_width + gap)),
                            y=px(top_y), width=px(bar_width), height=px(plot_bottom - top_y)))
        year_labels.append(Label(px(plot_left + group * index + group / 2), str(plot_bottom + 22), str(year.year)))

    legend, x = [], plot_left
    legend_y = 24
    for s in series:
        legend.append(LegendItem(s, str(x), str(legend_y - 13), str(x + 26), str(legend_y)))
        x += 26 + 8 * len(s.label) + 32  # swatch, text (≈8 px a character at 15 px), spacing
    return BarChart(
        series=series, title=title, description=_description(years, series), width=width, height=height,
        plot_left=plot_left, plot_right=plot_right, plot_top=plot_top, plot_bottom=plot_bottom,
        bars=bars, ticks=ticks, year_labels=year_labels, legend=legend,
        axis_label=Label(px(Decimal(plot_left + plot_right) / 2), str(plot_bottom + 44), _("Haushaltsjahr")),
    )
