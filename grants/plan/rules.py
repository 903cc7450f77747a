"""The rules of a financing plan (domain brief §3, the programme's caps), as pure functions of the
plan lines, the programme and the period: per budget year expenditure equals financing; every
line lies in the period; the requested grant of a year does not exceed the year's fundable
expenditure (each category limited by its caps); the total grant does not exceed the
programme's maximum per body.

Errors come back as {field key: [German messages]}, keyed like the plan grid's cells
(`year-2023`, `expenditure-2023-<category>`, `positions-2023-<category>`,
`financing-2023-<source>`, `plan`, `period`), so a form shows each beside its field.
"""

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.utils.functional import lazy
from django.utils.translation import gettext as _

from core.formats import format_date, format_decimal
from core.money import MAX_AMOUNT, ZERO, format_eur, to_money
from grants.plan.lines import ExpenditureLine, FinancingLine, FinancingSource


def _too_large() -> str:
    return _("Der Betrag ist zu groß (höchstens %(maximum)s).") % {"maximum": format_eur(MAX_AMOUNT)}


# Lazy: translated into the language active when the message is shown, not at import.
TOO_LARGE = lazy(_too_large, str)()
MAX_POSITIONS = Decimal("999.99")


def add_error(errors: dict[str, list[str]], key: str, message: str) -> None:
    errors.setdefault(key, []).append(message)


def structure_errors(
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
            add_error(errors, key, _("Die Kostenart „%(category)s“ gehört nicht zu diesem Förderprogramm.")
                      % {"category": line.category.name})
        if line.year not in years:
            add_error(errors, key, _("%(year)s liegt außerhalb des Vorhabenzeitraums (%(span)s).")
                      % {"year": line.year, "span": span})
        if line.amount < 0:
            add_error(errors, key, _("Beträge dürfen nicht negativ sein."))
        elif line.amount > MAX_AMOUNT:
            add_error(errors, key, str(TOO_LARGE))
        if line.positions is not None:
            if line.positions > MAX_POSITIONS:
                add_error(errors, f"positions-{line.year}-{line.category.code}",
                          _("Stellenanteile über %(maximum)s sind nicht möglich.")
                          % {"maximum": format_decimal(MAX_POSITIONS, 2)})
            if line.positions < 0:
                add_error(errors, f"positions-{line.year}-{line.category.code}",
                          _("Stellenanteile dürfen nicht negativ sein."))
            if not line.category.counts_positions:
                add_error(errors, f"positions-{line.year}-{line.category.code}",
                          _("Für „%(category)s“ werden keine Stellenanteile angegeben.")
                          % {"category": line.category.name})
        if (line.year, line.category.pk) in seen:
            add_error(errors, key, _("„%(category)s“ %(year)s ist doppelt angegeben.")
                      % {"category": line.category.name, "year": line.year})
        seen.add((line.year, line.category.pk))
    for financing in financings:
        key = f"financing-{financing.year}-{financing.source}"
        if financing.source not in FinancingSource.values:
            add_error(errors, key, _("Unbekannte Finanzierungsquelle „%(source)s“.") % {"source": financing.source})
        if financing.year not in years:
            add_error(errors, key, _("%(year)s liegt außerhalb des Vorhabenzeitraums (%(span)s).")
                      % {"year": financing.year, "span": span})
        if financing.amount < 0:
            add_error(errors, key, _("Beträge dürfen nicht negativ sein."))
        elif financing.amount > MAX_AMOUNT:
            add_error(errors, key, str(TOO_LARGE))
        if (financing.year, financing.source) in seen_sources:
            add_error(errors, key,
                      _("Die Finanzierungsquelle %(year)s ist doppelt angegeben.") % {"year": financing.year})
        seen_sources.add((financing.year, financing.source))
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


def rule_errors(
    *, programme, period_start: date, period_end: date, expenditures: list[ExpenditureLine],
    financings: list[FinancingLine],
) -> dict[str, list[str]]:
    """Every rule for plan lines of a programme and a period: structure, balance per year, caps,
    the maximum per body. Used for an application's plan and for the plan an Änderungsantrag
    asks for."""
    years = list(range(period_start.year, period_end.year + 1))
    errors = structure_errors(programme_id=programme.pk, years=years, expenditures=expenditures,
                              financings=financings)

    if period_start < programme.period_start or period_end > programme.period_end:
        add_error(errors, "period",
                  _("Der Vorhabenzeitraum muss in der Förderperiode %(start)s–%(end)s liegen.")
                  % {"start": format_date(programme.period_start), "end": format_date(programme.period_end)})
    if not any(line.amount > 0 for line in expenditures):
        add_error(errors, "plan", _("Der Finanzierungsplan enthält keine Ausgaben."))
        return errors

    spent: defaultdict[int, Decimal] = defaultdict(lambda: ZERO)
    funded: defaultdict[int, Decimal] = defaultdict(lambda: ZERO)
    fundable: defaultdict[int, Decimal] = defaultdict(lambda: ZERO)
    grant: defaultdict[int, Decimal] = defaultdict(lambda: ZERO)
    for line in expenditures:
        spent[line.year] += line.amount
        fundable[line.year] += fundable_amount(line)
        category = line.category
        key = f"positions-{line.year}-{category.code}"
        if category.counts_positions and line.amount > 0 and not line.positions:
            add_error(errors, key, _("Bitte die Stellenanteile (VZÄ) für „%(category)s“ %(year)s angeben.")
                      % {"category": category.name, "year": line.year})
        if category.first_year and line.year < category.first_year and line.amount > 0:
            add_error(errors, f"expenditure-{line.year}-{category.code}",
                      _("„%(category)s“ ist erst ab %(year)s förderfähig.")
                      % {"category": category.name, "year": category.first_year})
    for financing in financings:
        funded[financing.year] += financing.amount
        if financing.source == FinancingSource.GRANT:
            grant[financing.year] += financing.amount

    for year in years:
        if spent[year] != funded[year]:
            gap = spent[year] - funded[year]
            if gap > 0:
                message = _("%(year)s: Ausgaben (%(spent)s) und Finanzierung (%(funded)s) sind nicht "
                            "ausgeglichen; es fehlen %(gap)s.")
            else:
                message = _("%(year)s: Ausgaben (%(spent)s) und Finanzierung (%(funded)s) sind nicht "
                            "ausgeglichen; die Finanzierung übersteigt die Ausgaben um %(gap)s.")
            add_error(errors, f"year-{year}", message % {
                "year": year, "spent": format_eur(spent[year]), "funded": format_eur(funded[year]),
                "gap": format_eur(abs(gap))})
        if grant[year] > fundable[year]:
            add_error(errors, f"financing-{year}-{FinancingSource.GRANT}",
                      _("Die beantragte Zuwendung %(year)s (%(grant)s) übersteigt die nach den Obergrenzen "
                        "zuwendungsfähigen Ausgaben (%(fundable)s); der Rest ist aus Eigen- oder Drittmitteln "
                        "zu finanzieren.")
                      % {"year": year, "grant": format_eur(grant[year]), "fundable": format_eur(fundable[year])})

    total_grant = sum(grant.values(), ZERO)
    if total_grant <= 0:
        add_error(errors, "plan", _("Es ist keine Zuwendung beantragt."))
    cap = programme.max_grant_per_applicant
    if cap is not None and total_grant > cap:
        add_error(errors, "plan",
                  _("Die beantragte Zuwendung insgesamt (%(total)s) übersteigt den Höchstbetrag von %(cap)s je "
                    "Gebietskörperschaft.") % {"total": format_eur(total_grant), "cap": format_eur(cap)})
    return errors
