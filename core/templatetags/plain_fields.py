"""`{{ field|plain_field }}`: a form field with label, errors and help text in the markup of
`{{ field|as_crispy_field }}` (crispy-forms, Bootstrap 5), written in Python.

For the filter forms above every work list: crispy renders each field through a dozen nested
templates, and the eight fields of the work queue's filter cost more than its 25 rows (17 of
95 ms at 10,000 applications). Text, number, date and select fields are written here; any other
kind of field (checkbox, radio buttons, file, several widgets) goes to crispy as before, so the
markup – and with it what a screen reader announces – is the same either way
(tests/core/test_plain_field.py compares the two for every field of every filter form)."""

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms, template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_INPUTS = (forms.TextInput, forms.NumberInput, forms.DateInput, forms.EmailInput, forms.Select)
_OTHERS = (forms.CheckboxInput, forms.RadioSelect, forms.CheckboxSelectMultiple, forms.FileInput,
           forms.MultiWidget, forms.SelectMultiple)


@register.filter
def plain_field(field: forms.BoundField) -> SafeString:
    widget = field.field.widget
    if field.is_hidden or not isinstance(widget, _INPUTS) or isinstance(widget, _OTHERS):
        return as_crispy_field(field)
    # crispy's class: the widget's own, its type in lower case, then Bootstrap's.
    own = widget.attrs.get("class", "")
    kind = widget.__class__.__name__.lower()
    classes = own if kind in own else f"{own} {kind}".strip()
    classes += " form-select" if isinstance(widget, forms.Select) else " form-control"
    if field.errors:
        classes += " is-invalid"
    required = field.field.required
    label = format_html('<label for="{}" class="form-label{}">{}{}</label>', field.id_for_label,
                        " requiredField" if required else "", field.label,
                        mark_safe('<span class="asteriskField">*</span>') if required else "") if field.label else ""
    errors = format_html(
        '<div id="{}_error" class="invalid-feedback">{}</div>',
        field.errors.field_id,  # type: ignore[attr-defined]  # Django 5.2's ErrorList has it, the stubs not yet
        format_html_join("", '<p id="error_{}_{}"><strong>{}</strong></p>',
                         ((number, field.auto_id, error) for number, error in enumerate(field.errors, start=1)))
    ) if field.errors else ""
    help_text = format_html('<div id="{}_helptext" class="form-text">{}</div>', field.auto_id,
                            mark_safe(field.help_text)) if field.help_text else ""  # as crispy: |safe
    css = field.css_classes()
    return format_html('<div id="div_{}" class="mb-3{}">{}{}{}{}</div>', field.auto_id, f" {css}" if css else "",
                       label, field.as_widget(attrs={"class": classes}), errors, help_text)
