"""The filter forms' selects are written in Python (grants.filters.PlainSelect): the same
choices, the chosen one selected, labels escaped – as Django's template renders them."""

from django import forms
from django.http import QueryDict
from django.test.html import parse_html

from grants.filters import DeadlineFilterSet, PlainSelect
from grants.models import Award


def test_plain_select_matches_djangos_select_markup():
    choices = [("", "alle"), ("a", "Kassel & Umland"), ("b", "<Fulda>"), ("Nord", [("n1", "Eins"), ("n2", "Zwei")])]
    plain, django_select = PlainSelect(choices=choices), forms.Select(choices=choices)

    for value in ("", "b", "n2"):
        attrs = {"id": "id_x", "class": "form-select"}
        # the same elements, attributes and text (attribute order and blank lines aside)
        assert parse_html(plain.render("x", value, attrs)) == parse_html(django_select.render("x", value, attrs))


def test_filter_form_selects_keep_the_chosen_body(db):
    body = 'value="" selected'
    filterset = DeadlineFilterSet(QueryDict("district=Kassel"), queryset=Award.objects.all())

    html = str(filterset.form["district"])

    assert isinstance(filterset.form.fields["district"].widget, PlainSelect)
    assert '<option value="Kassel" selected>' in html
    assert body not in html
