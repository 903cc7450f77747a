"""The programme overview: budget years, awards per body and per Regierungsbezirk – what the
overview page shows and its CSV and XLSX exports write.

Plain functions over the database, free of requests and templates, so a management command
or a scheduled task can build the same tables. Every figure is summed in the database; the
number of queries does not grow with the number of awards.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, TypeAlias, TypedDict

from django.db.models import Exists, OuterRef, Sum
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.money import ZERO
from grants.exports.tables import COUNT, MONEY, PERCENT, REFERENCE, Column, ReportTable, cells
from grants.models import Award, AwardYear, Disbursement, FundingProgramme
from grants.selectors.budgets import BudgetYearFigures, budget_figures
from municipalities.models import Municipality

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

PERCENT_STEP = Decimal("0.1")


# -- Programme selection ------------------------------------------------------------------


class _HasAwards(TypedDict):
    has_awards: bool


# A programme as programmes_for_report() returns it: marked `has_awards`.
ReportProgramme: TypeAlias = "WithAnnotations[FundingProgramme, _HasAwards]"


def programmes_for_report() -> list[ReportProgramme]:
    """All programme periods, newest first, each marked `has_awards`. One query."""
    return list(
        FundingProgramme.objects.annotate(
            has_awards=Exists(Award.objects.filter(application__programme=OuterRef("pk")))
        ).order_by("-period_start", "-pk")
    )


def default_programme(programmes: list[ReportProgramme]) -> FundingProgramme | None:
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
            municipality=award.application.municipality.display_name,
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
        rows=[cells(columns, str(y.year), y.budget, y.committed, y.paid, y.remaining) for y in years],
        totals=cells(columns, _("Summe"), total.budget, total.committed, total.paid, total.remaining),
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
        rows=[cells(columns, b.municipality, b.regierungsbezirk, b.file_reference, b.awarded, b.paid,
                   b.share_paid, link_id=b.application_id) for b in bodies],
        totals=cells(columns, total_label % {"count": len(bodies)}, "", "", awarded, paid,
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
        rows=[cells(columns, d.regierungsbezirk, d.award_count, d.awarded, d.paid) for d in districts],
        totals=cells(columns, _("Summe"), sum(d.award_count for d in districts), awarded, paid),
    )


TABLES: dict[str, Callable[[FundingProgramme], ReportTable]] = {
    "jahre": years_table, "koerperschaften": bodies_table, "bezirke": districts_table,
}


@dataclass(frozen=True)
class ProgrammeOverview:
    programme: FundingProgramme
    years: list[BudgetYearFigures]
    tables: list[ReportTable]


def programme_overview(programme: FundingProgramme) -> ProgrammeOverview:
    """Everything the overview shows, in six queries whatever the number of awards."""
    years = budget_figures(programme)
    bodies = body_figures(programme)
    return ProgrammeOverview(programme=programme, years=years, tables=[
        years_table(programme, years),
        bodies_table(programme, bodies),
        districts_table(programme, district_figures(bodies)),
    ])
