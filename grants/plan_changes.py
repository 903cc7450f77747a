"""A financing plan as stored JSON (the shape of `Award.plan_snapshot`): to and from plan lines,
the grant per year, and what changed between two plans – the list an Änderungsbescheid
prints. Pure functions; the Änderungsantrag services (grants/services/amendments.py) use them."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from grants.models import CostCategory, FinancingSource
from core.money import ZERO, format_eur, to_money
from core.formats import format_date
from grants.services.plans import ExpenditureLine, FinancingLine

GRANT = FinancingSource.GRANT


def plan_to_lines(plan: dict, categories: dict[str, CostCategory]) -> tuple[list[ExpenditureLine], list[FinancingLine]]:
    """The JSON plan (shape of `Award.plan_snapshot`) as plan lines; `categories` by code."""
    expenditures, financings = [], []
    for row in plan.get("years", []):
        year = int(row["year"])
        for line in row.get("expenditures", []):
            category = categories.get(line["category"])
            if category is None:  # a category the programme no longer has: nothing to edit it with
                continue
            positions = line.get("positions")
            expenditures.append(ExpenditureLine(year, category, to_money(line["amount"]),
                                                None if positions in (None, "") else Decimal(positions)))
        for source, amount in row.get("financing", {}).items():
            financings.append(FinancingLine(year, source, to_money(amount)))
    return expenditures, financings


def lines_to_plan(years: list[int], expenditures: list[ExpenditureLine], financings: list[FinancingLine]) -> dict:
    """Plan lines as the JSON plan: per year the expenditure lines and every source's amount.
    Nothing is cut, so the requested grant is the grant and the reduction is nil."""
    rows = []
    for year in years:
        financing = {source: ZERO for source in FinancingSource.values}
        for line in financings:
            if line.year == year:
                financing[line.source] += line.amount
        expenditure_lines = sorted((e for e in expenditures if e.year == year),
                                   key=lambda e: (e.category.position, e.category.name))
        rows.append({
            "year": year,
            "expenditures": [
                {"category": e.category.code, "category_name": e.category.name, "amount": str(to_money(e.amount)),
                 "positions": None if e.positions is None else str(e.positions)}
                for e in expenditure_lines
            ],
            "financing": {source: str(to_money(amount)) for source, amount in financing.items()},
            "requested_grant": str(to_money(financing[GRANT])),
            "reduction": str(ZERO),
        })
    return {"years": rows}


def plan_grant_by_year(plan: dict) -> dict[int, Decimal]:
    return {int(row["year"]): to_money(row.get("financing", {}).get(GRANT, "0")) for row in plan.get("years", [])}


def normal_plan(plan: dict) -> list:
    """A plan reduced to what binds: per year the non-zero lines, for comparing two plans."""
    result = []
    for row in plan.get("years", []):
        lines = sorted((line["category"], str(to_money(line["amount"])),
                        "" if line.get("positions") in (None, "") else str(Decimal(line["positions"]).normalize()))
                       for line in row.get("expenditures", []) if to_money(line["amount"]) or line.get("positions"))
        financing = sorted((source, str(to_money(amount))) for source, amount in row.get("financing", {}).items()
                           if to_money(amount))
        if lines or financing:
            result.append((int(row["year"]), lines, financing))
    return result


# -- the summary of changes (printed in the Änderungsbescheid) -------------------------------------


@dataclass(frozen=True)
class Change:
    label: str
    before: Decimal
    after: Decimal


def _plan_amounts(plan: dict) -> tuple[dict, dict, dict]:
    """{(year, category code): amount}, {(year, source): amount}, {category code: name}."""
    expenditures, financings, names = {}, {}, {}
    for row in plan.get("years", []):
        year = int(row["year"])
        for line in row.get("expenditures", []):
            key = (year, line["category"])
            expenditures[key] = expenditures.get(key, ZERO) + to_money(line["amount"])
            names.setdefault(line["category"], line.get("category_name") or line["category"])
        for source, amount in row.get("financing", {}).items():
            financings[(year, source)] = financings.get((year, source), ZERO) + to_money(amount)
    return expenditures, financings, names


def plan_differences(before: dict, after: dict) -> tuple[list[Change], list[Change]]:
    """Changed expenditure lines (per year and cost category) and financing lines (per year and
    source), each with the amount before and after."""
    exp_before, fin_before, names = _plan_amounts(before)
    exp_after, fin_after, names_after = _plan_amounts(after)
    names = {**names, **names_after}
    order = {code: index for index, code in enumerate(dict.fromkeys([*names_after, *names]))}  # plan order
    expenditure_changes = [
        Change(f"{names[code]} {year}", exp_before.get((year, code), ZERO), exp_after.get((year, code), ZERO))
        for year, code in sorted(set(exp_before) | set(exp_after), key=lambda key: (key[0], order[key[1]]))
        if exp_before.get((year, code), ZERO) != exp_after.get((year, code), ZERO)
    ]
    source_labels = dict(FinancingSource.choices)
    source_labels[GRANT] = _("Zuwendung des Landes")
    financing_changes = [
        Change(f"{source_labels.get(source, source)} {year}", fin_before.get((year, source), ZERO),
               fin_after.get((year, source), ZERO))
        for year, source in sorted(set(fin_before) | set(fin_after))
        if source != GRANT and fin_before.get((year, source), ZERO) != fin_after.get((year, source), ZERO)
    ]
    return expenditure_changes, financing_changes


def changes_summary(*, period_before: tuple[date, date], period_after: tuple[date, date],
                    amounts_before: dict[int, Decimal], amounts_after: dict[int, Decimal],
                    plan_before: dict, plan_after: dict) -> str:
    """The German, line-by-line summary the Änderungsbescheid prints: headings end with a colon,
    the items under them begin with "– "."""
    arrow = _("bisher %(before)s, künftig %(after)s")
    lines = []
    if period_before != period_after:
        lines.append(_("Bewilligungszeitraum:"))
        lines.append("– " + arrow % {"before": f"{format_date(period_before[0])} bis {format_date(period_before[1])}",
                                     "after": f"{format_date(period_after[0])} bis {format_date(period_after[1])}"})
    changed_years = [year for year in sorted(set(amounts_before) | set(amounts_after))
                     if amounts_before.get(year, ZERO) != amounts_after.get(year, ZERO)]
    if changed_years:
        lines.append(_("Zuwendung nach Haushaltsjahren:"))
        for year in changed_years:
            lines.append(f"– {year}: " + arrow % {"before": format_eur(amounts_before.get(year, ZERO)),
                                                   "after": format_eur(amounts_after.get(year, ZERO))})
        total_before, total_after = sum(amounts_before.values(), ZERO), sum(amounts_after.values(), ZERO)
        if total_before == total_after:
            lines.append("– " + _("insgesamt unverändert %(total)s") % {"total": format_eur(total_after)})
        else:
            lines.append("– " + _("insgesamt") + ": " + arrow % {"before": format_eur(total_before),
                                                                 "after": format_eur(total_after)})
    expenditure_changes, financing_changes = plan_differences(plan_before, plan_after)
    if expenditure_changes:
        lines.append(_("Ausgaben nach Kostenarten:"))
        lines += [f"– {c.label}: " + arrow % {"before": format_eur(c.before), "after": format_eur(c.after)}
                  for c in expenditure_changes]
    if financing_changes:
        lines.append(_("Weitere Finanzierung:"))
        lines += [f"– {c.label}: " + arrow % {"before": format_eur(c.before), "after": format_eur(c.after)}
                  for c in financing_changes]
    if not lines:
        lines.append(_("Der Finanzierungsplan wird neu gefasst."))
    lines.append(_("Der Finanzierungsplan gilt in der unten abgedruckten Fassung."))
    return "\n".join(lines)
