"""What changed between two binding plans: the line-by-line summary an Änderungsbescheid prints
and the differences per cost category and financing source behind it."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from core.formats import format_date
from core.money import ZERO, format_eur
from grants.plan.codec import Plan
from grants.plan.lines import GRANT, RECEIVED_LABELS


@dataclass(frozen=True)
class Change:
    label: str
    before: Decimal
    after: Decimal


def plan_differences(before: Plan, after: Plan) -> tuple[list[Change], list[Change]]:
    """Changed expenditure lines (per year and cost category) and financing lines (per year and
    source), each with the amount before and after."""
    exp_before, fin_before, names = before.expenditure_amounts(), before.financing_amounts(), before.category_names()
    exp_after, fin_after, names_after = after.expenditure_amounts(), after.financing_amounts(), after.category_names()
    names = {**names, **names_after}
    order = {code: index for index, code in enumerate(dict.fromkeys([*names_after, *names]))}  # plan order
    expenditure_changes = [
        Change(f"{names[code]} {year}", exp_before.get((year, code), ZERO), exp_after.get((year, code), ZERO))
        for year, code in sorted(set(exp_before) | set(exp_after), key=lambda key: (key[0], order[key[1]]))
        if exp_before.get((year, code), ZERO) != exp_after.get((year, code), ZERO)
    ]
    financing_changes = [
        Change(f"{RECEIVED_LABELS.get(source, source)} {year}", fin_before.get((year, source), ZERO),
               fin_after.get((year, source), ZERO))
        for year, source in sorted(set(fin_before) | set(fin_after))
        if source != GRANT and fin_before.get((year, source), ZERO) != fin_after.get((year, source), ZERO)
    ]
    return expenditure_changes, financing_changes


def changes_summary(*, period_before: tuple[date, date], period_after: tuple[date, date],
                    amounts_before: dict[int, Decimal], amounts_after: dict[int, Decimal],
                    plan_before: Plan, plan_after: Plan) -> str:
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
