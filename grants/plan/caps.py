"""The programme's limits of eligible expenditure in words, generated from the cost categories
the plan rules (grants.plan.rules.fundable_amount) apply: whatever cap an administrator sets
there is what the notice prints, never a retyped text."""

from django.utils.translation import gettext as _

from core.formats import format_decimal
from core.money import format_eur


def category_limits(category) -> str:
    """One category's limit as a sentence part, e.g. "bis zu 60.000,00 € je Vollzeitstelle und
    Jahr, höchstens 2 Stellen"; mirrors `fundable_amount` rule by rule."""
    if not category.is_fundable:
        return _("nicht zuwendungsfähig")
    parts = []
    if category.counts_positions and category.cap_per_position is not None:
        parts.append(_("bis zu %(cap)s je Vollzeitstelle und Jahr") % {"cap": format_eur(category.cap_per_position)})
    if category.counts_positions and category.max_positions is not None:
        count = format_decimal(category.max_positions)
        parts.append((_("höchstens %(count)s Stelle (VZÄ)") if count == "1" else _("höchstens %(count)s Stellen (VZÄ)"))
                     % {"count": count})
    if category.cap_per_year is not None:
        parts.append(_("höchstens %(cap)s je Jahr") % {"cap": format_eur(category.cap_per_year)})
    if category.first_year:
        parts.append(_("zuwendungsfähig ab %(year)s") % {"year": category.first_year})
    return ", ".join(parts) or _("in voller Höhe zuwendungsfähig")


def programme_caps(programme) -> list[dict]:
    """Every cost category of the programme with its limit, in the plan's order."""
    return [{"category": category.name, "fundable": category.is_fundable, "limit": category_limits(category)}
            for category in programme.cost_categories.order_by("position", "name")]
