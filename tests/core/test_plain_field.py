"""`plain_field` writes a filter form's field in Python: it must be crispy's markup, byte for byte
up to white space – in every state (empty, chosen, refused with an error, with help text), for
every field of every list's filter form, so that labels, error messages and their links for screen
readers (`aria-describedby`, `aria-invalid`) stay what the browser tests and axe checked."""

import re

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms
from django.http import QueryDict

from core.templatetags.plain_fields import plain_field
from grants.filters import ListFilterSet
from grants.forms.history import TimelineFilterForm

pytestmark = pytest.mark.django_db


def _same_markup(html: str) -> str:
    """White space between and inside tags does not change the page."""
    html = re.sub(r"\s+", " ", str(html))
    return re.sub(r"\s*(<|>)\s*", r"\1", html).replace(' ">', '">').strip()


def _filter_sets() -> list[type[ListFilterSet]]:
    """Every list's FilterSet (the bases without a model are no list's)."""
    found, todo = [], [ListFilterSet]
    while todo:
        cls = todo.pop()
        todo += cls.__subclasses__()
        if cls._meta.model is not None:
            found.append(cls)
    return found


def _forms(data: dict) -> list[forms.Form]:
    built = [cls(QueryDict(mutable=True) | data).form for cls in _filter_sets()]
    built.append(TimelineFilterForm(data, events=[("grants.application.submitted", "eingereicht")],
                                    people=[(1, "Sachbearbeitung Test")]))
    return built


BAD = {"q": "x" * 300, "status": "bogus", "programme": "kein-kuerzel", "year": "abc", "municipality": "9999999",
       "regierungsbezirk": "mars", "zustaendig": "niemand", "sort": "-bogus", "district": "mars", "kind": "bogus",
       "art": "bogus", "vorgang": "bogus", "person": "x", "von": "31.02.2026", "bis": "01.01.1900", "tab": "bogus"}


@pytest.mark.parametrize("data", [{}, BAD, {"q": "Kassel", "von": "01.01.2026", "bis": "31.12.2026"}],
                         ids=["leer", "fehlerhaft", "gewählt"])
def test_plain_field_is_crispys_markup_for_every_filter_field(data):
    compared = 0
    with_errors = with_help = 0
    for form in _forms(data):
        form.is_valid()
        for field in form:
            assert _same_markup(plain_field(field)) == _same_markup(as_crispy_field(field)), (
                f"{type(form).__name__}.{field.name}")
            compared += 1
            with_errors += bool(field.errors)
            with_help += bool(field.help_text)
    assert len(_filter_sets()) >= 8 and compared >= 40 and with_help
    if data is BAD:
        assert with_errors >= 10  # the refusals are compared, not only the quiet fields
