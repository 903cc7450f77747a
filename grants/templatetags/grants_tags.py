from django import template

from grants.money import format_eur

register = template.Library()


@register.filter
def eur(value):
    """`500000` → `500.000,00 €`; empty for None."""
    if value is None or value == "":
        return ""
    return format_eur(value)
