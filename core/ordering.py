"""Orderings by a choice field as database expressions: a list's "what needs work first" and a
status column sorted in its workflow's order. Below the models, so that an index can be built on
the very expression a list orders by (e.g. `usage_report_list_idx`)."""

from django.db.models import Case, IntegerField, Value, When


def choice_order(field: str, choices, first=()) -> Case:
    """A status's position in its workflow (the order of its choices); `first` (the statuses that
    need work) before all others."""
    values = list(first) + [value for value, _label in choices if value not in first]
    return Case(*(When(**{field: value}, then=Value(position)) for position, value in enumerate(values)),
                default=Value(len(values)), output_field=IntegerField())


def needs_work(field: str, statuses) -> Case:
    """0 for the rows that need work, 1 for the others."""
    return Case(When(**{f"{field}__in": list(statuses)}, then=Value(0)), default=Value(1),
                output_field=IntegerField())
