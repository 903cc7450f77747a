"""The template filters for amounts and dates, available in every template (a builtin):
`{{ amount|eur }}` → `500.000,00 €`, `{{ day|datum }}` → `29.10.2021`,
`{{ moment|datum_zeit }}` → `29.10.2021 14:30`. Empty values render as nothing."""

from django import template

from core.formats import format_date, format_datetime
from core.money import format_eur

register = template.Library()


@register.filter
def eur(value) -> str:
    """`500000` → `500.000,00 €`; empty for None."""
    if value is None or value == "":
        return ""
    return format_eur(value)


@register.filter
def datum(value) -> str:
    """A date (or a datetime, in local time) as `29.10.2021`."""
    return format_date(value)


@register.filter
def datum_zeit(value) -> str:
    """A datetime in local time as `29.10.2021 14:30`."""
    return format_datetime(value)
