"""The financing plan: its lines, its rules and the one service that writes it.

Rules (domain brief §3, programme caps): per budget year expenditure equals financing;
every line lies in the application's period; the requested grant of a year does not
exceed the year's fundable expenditure (each category limited by its caps); the total
grant does not exceed the programme's maximum per body.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils.functional import lazy
from django.utils.translation import gettext as _

from audit.services import audit_log
from core.errors import PlanInvalid
from grants.models import (
    Application,
    CostCategory,
    FinancingSource,
    PlanExpenditure,
    PlanFinancing,
)
from grants.models.applications import EDITABLE_STATUSES
from core.money import MAX_AMOUNT, ZERO, format_eur, to_money
from core.formats import format_date, format_decimal
from grants.services.guards import require_own_body, require_status


def _too_large() -> str:
    return _("Der Betrag ist zu groß (höchstens %(maximum)s).") % {"maximum": format_eur(MAX_AMOUNT)}


# Lazy: translated into the language active when the message is shown, not at import.
TOO_LARGE = lazy(_too_large, str)()
MAX_POSITIONS = Decimal("999.99")


@dataclass(frozen=True)
class ExpenditureLine:
    year: int
    category: CostCategory
    amount: Decimal
    positions: Decimal | None = None


@dataclass(frozen=True)
class FinancingLine:
    year: int
    source: str
    amount: Decimal


def _add(errors: dict[str, list[str]], key: str, message: str) -> None:
    errors.setdefault(key, []).append(message)


def plan_structure_errors(
    *, application: Application, expenditures: list[ExpenditureLine], financings: list[FinancingLine]
) -> dict[str, list[str]]:
    """Errors that make a plan unsavable even as a draft."""
    return plan_lines_structure_errors(programme_id=application.programme_id, years=application.years,
                                       expenditures=expenditures, financings=financings)


def plan_lines_structure_errors(
    *, programme_id: int, years: list[int], expenditures: list[ExpenditureLine], financings: list[FinancingLine]
) -> dict[str, list[str]]:
    """The structural rules for plan lines of a programme and a run of budget years (an
    application's, or the period an Änderungsantrag asks for)."""
    errors: dict[str, list[str]] = {}
    span = str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"
    seen: set[tuple] = set()
    seen_sources: set[tuple] = set()
    for line in expenditures:
        key = f"expenditure-{line.year}-{line.category.code}"
        if line.category.programme_id != programme_id:
            _add(errors, key, _("Die Kostenart „%(category)s“ gehört nicht zu diesem Förderprogramm.")
                 % {"category": line.category.name})
        if line.year not in years:
            _add(errors, key, _("%(year)s liegt außerhalb des Vorhabenzeitraums (%(span)s).")
                 % {"year": line.year, "span": span})
        if line.amount < 0:
            _add(errors, key, _("Beträge dürfen nicht negativ sein."))
        elif line.amount > MAX_AMOUNT:
            _add(errors, key, str(TOO_LARGE))
        if line.positions is not None:
            if line.positions > MAX_POSITIONS:
                _add(errors, f"positions-{line.year}-{line.category.code}",
                     _("Stellenanteile über %(maximum)s sind nicht möglich.")
                     % {"maximum": format_decimal(MAX_POSITIONS, 2)})
            if line.positions < 0:
                _add(errors, f"positions-{line.year}-{line.category.code}",
                     _("Stellenanteile dürfen nicht negativ sein."))
            if not line.category.counts_positions:
                _add(errors, f"positions-{line.year}-{line.category.code}",
                     _("Für „%(category)s“ werden keine Stellenanteile angegeben.") % {"category": line.category.name})
        if (line.year, line.category.pk) in seen:
            _add(errors, key, _("„%(category)s“ %(year)s ist doppelt angegeben.")
                 % {"category": line.category.name, "year": line.year})
        seen.add((line.year, line.category.pk))
    for line in financings:
        key = f"financing-{line.year}-{line.source}"
        if line.source not in FinancingSource.values:
            _add(errors, key, _("Unbekannte Finanzierungsquelle „%(source)s“.") % {"source": line.source})
        if line.year not in years:
            _add(errors, key, _("%(year)s liegt außerhalb des Vorhabenzeitraums (%(span)s).")
                 % {"year": line.year, "span": span})
        if line.amount < 0:
            _add(errors, key, _("Beträge dürfen nicht negativ sein."))
        elif line.amount > MAX_AMOUNT:
            _add(errors, key, str(TOO_LARGE))
        if (line.year, line.source) in seen_sources:
            _add(errors, key, _("Die Finanzierungsquelle %(year)s ist doppelt angegeben.") % {"year": line.year})
        seen_sources.add((line.year, line.source))
    return errors


def fundable_amount(line: ExpenditureLine) -> Decimal:
    """What of one expenditure line the programme may fund, after the category's caps."""
    category = line.category
    if not category.is_fundable:
        return ZERO
    if category.first_year and line.year < category.first_year:
        return ZERO
    limit = line.amount
    if category.counts_positions and category.cap_per_position is not None:
        positions = line.positions or ZERO
        if category.max_positions is not None:
            positions = min(positions, category.max_positions)
        limit = min(limit, to_money(category.cap_per_position * positions))
    if category.cap_per_year is not None:
        limit = min(limit, category.cap_per_year)
    return to_money(limit)


def plan_lines(application: Application) -> tuple[list[ExpenditureLine], list[FinancingLine]]:
    expenditures = [
        ExpenditureLine(e.year, e.category, e.amount, e.positions)
        for e in application.expenditures.select_related("category")
    ]
    financings = [FinancingLine(f.year, f.source, f.amount) for f in application.financings.all()]
    return expenditures, financings


def plan_submission_errors(application: Application) -> dict[str, list[str]]:
    """Every rule a plan must meet before it can be submitted."""
    expenditures, financings = plan_lines(application)
    return plan_rule_errors(programme=application.programme, period_start=application.period_start,
                            period_end=application.period_end, expenditures=expenditures, financings=financings)


def plan_rule_errors(
    *, programme, period_start, period_end, expenditures: list[ExpenditureLine], financings: list[FinancingLine]
) -> dict[str, list[str]]:
    """Every rule for plan lines of a programme and a period: structure, balance per year, caps,
    the maximum per body. Used for an application's plan and for the plan an Änderungsantrag
    asks for."""
    years = list(range(period_start.year, period_end.year + 1))
    errors = plan_lines_structure_errors(programme_id=programme.pk, years=years, expenditures=expenditures,
                                         financings=financings)

    if period_start < programme.period_start or period_end > programme.period_end:
        _add(errors, "period",
             _("Der Vorhabenzeitraum muss in der Förderperiode %(start)s–%(end)s liegen.")
             % {"start": format_date(programme.period_start), "end": format_date(programme.period_end)})
    if not any(line.amount > 0 for line in expenditures):
        _add(errors, "plan", _("Der Finanzierungsplan enthält keine Ausgaben."))
        return errors

    spent = defaultdict(lambda: ZERO)
    funded = defaultdict(lambda: ZERO)
    fundable = defaultdict(lambda: ZERO)
    grant = defaultdict(lambda: ZERO)
    for line in expenditures:
        spent[line.year] += line.amount
        fundable[line.year] += fundable_amount(line)
        category = line.category
        key = f"positions-{line.year}-{category.code}"
        if category.counts_positions and line.amount > 0 and not line.positions:
            _add(errors, key, _("Bitte die Stellenanteile (VZÄ) für „%(category)s“ %(year)s angeben.")
                 % {"category": category.name, "year": line.year})
        if category.first_year and line.year < category.first_year and line.amount > 0:
            _add(errors, f"expenditure-{line.year}-{category.code}",
                 _("„%(category)s“ ist erst ab %(year)s förderfähig.")
                 % {"category": category.name, "year": category.first_year})
    for line in financings:
        funded[line.year] += line.amount
        if line.source == FinancingSource.GRANT:
            grant[line.year] += line.amount

    for year in years:
        if spent[year] != funded[year]:
            gap = spent[year] - funded[year]
            if gap > 0:
                message = _("%(year)s: Ausgaben (%(spent)s) und Finanzierung (%(funded)s) sind nicht "
                            "ausgeglichen; es fehlen %(gap)s.")
            else:
                message = _("%(year)s: Ausgaben (%(spent)s) und Finanzierung (%(funded)s) sind nicht "
                            "ausgeglichen; die Finanzierung übersteigt die Ausgaben um %(gap)s.")
            _add(errors, f"year-{year}", message % {
                "year": year, "spent": format_eur(spent[year]), "funded": format_eur(funded[year]),
                "gap": format_eur(abs(gap))})
        if grant[year] > fundable[year]:
            _add(errors, f"financing-{year}-{FinancingSource.GRANT}",
                 _("Die beantragte Zuwendung %(year)s (%(grant)s) übersteigt die nach den Obergrenzen "
                   "zuwendungsfähigen Ausgaben (%(fundable)s); der Rest ist aus Eigen- oder Drittmitteln "
                   "zu finanzieren.")
                 % {"year": year, "grant": format_eur(grant[year]), "fundable": format_eur(fundable[year])})

    total_grant = sum(grant.values(), ZERO)
    if total_grant <= 0:
        _add(errors, "plan", _("Es ist keine Zuwendung beantragt."))
    cap = programme.max_grant_per_applicant
    if cap is not None and total_grant > cap:
        _add(errors, "plan",
             _("Die beantragte Zuwendung insgesamt (%(total)s) übersteigt den Höchstbetrag von %(cap)s je "
               "Gebietskörperschaft.") % {"total": format_eur(total_grant), "cap": format_eur(cap)})
    return errors


def requested_grant_by_year(application: Application) -> dict[int, Decimal]:
    result = {year: ZERO for year in application.years}
    for line in application.financings.filter(source=FinancingSource.GRANT):
        result[line.year] = result.get(line.year, ZERO) + line.amount
    return result


def financing_plan_replace(
    *, application: Application, user, expenditures: list[ExpenditureLine], financings: list[FinancingLine]
) -> Application:
    """Replace the whole plan of an editable application (draft or request for changes).

    A draft may be unbalanced; the full rules are checked on submission.
    """
    require_own_body(user, application.municipality)
    expenditures = [
        ExpenditureLine(e.year, e.category, to_money(e.amount), e.positions) for e in expenditures
    ]
    financings = [FinancingLine(f.year, f.source, to_money(f.amount)) for f in financings]
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        require_status(application, EDITABLE_STATUSES, _("Den Finanzierungsplan zu ändern"))
        errors = plan_structure_errors(application=application, expenditures=expenditures, financings=financings)
        if errors:
            raise PlanInvalid(errors)
        before = _plan_totals(application)
        application.expenditures.all().delete()
        application.financings.all().delete()
        PlanExpenditure.objects.bulk_create(
            PlanExpenditure(application=application, year=e.year, category=e.category, amount=e.amount,
                            positions=e.positions)
            for e in expenditures
        )
        PlanFinancing.objects.bulk_create(
            PlanFinancing(application=application, year=f.year, source=f.source, amount=f.amount)
            for f in financings
        )
        application.save(update_fields=["updated_at"])
        after = _plan_totals(application)
        audit_log(actor=user, action="grants.application.plan_changed", target=application,
                  changes={key: [before[key], after[key]] for key in after if before[key] != after[key]})
    return application


def _plan_totals(application: Application) -> dict[str, str]:
    expenditures, financings = plan_lines(application)
    return {
        "ausgaben": str(sum((e.amount for e in expenditures), ZERO)),
        "zuwendung": str(sum((f.amount for f in financings if f.source == FinancingSource.GRANT), ZERO)),
    }


def plan_snapshot(application: Application, approved: dict[int, Decimal]) -> dict:
    """The binding plan as approved. Where the grant of a year was cut, the recipient's
    own funds carry the difference, so each year stays balanced (Festbetragsfinanzierung)."""
    expenditures, financings = plan_lines(application)
    requested = requested_grant_by_year(application)
    rows = []
    for year in application.years:
        year_financing = {source: ZERO for source in FinancingSource.values}
        for line in financings:
            if line.year == year:
                year_financing[line.source] += line.amount
        cut = requested.get(year, ZERO) - approved.get(year, ZERO)
        year_financing[FinancingSource.GRANT] = approved.get(year, ZERO)
        year_financing[FinancingSource.OWN_FUNDS] += cut
        rows.append({
            "year": year,
            "expenditures": [
                {"category": e.category.code, "category_name": e.category.name, "amount": str(e.amount),
                 "positions": None if e.positions is None else str(e.positions)}
                for e in expenditures if e.year == year
            ],
            "financing": {source: str(amount) for source, amount in year_financing.items()},
            "requested_grant": str(requested.get(year, ZERO)),
            "reduction": str(cut),
        })
    return {"years": rows}

