"""The filters of an application's case history (grants/views/history.py)."""

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import GermanDateField
from grants.selectors.timeline import KINDS


class TimelineFilterForm(forms.Form):
    """Kind of object, event, person and days; the events and people offered are those of the
    case. A bad value is reported on its field and the unfiltered timeline stays on the page."""

    art = forms.ChoiceField(label=_("Objekt"), required=False)
    vorgang = forms.ChoiceField(label=_("Vorgang"), required=False)
    person = forms.TypedChoiceField(label=_("Person"), required=False, coerce=int, empty_value=None)
    von = GermanDateField(label=_("von"), required=False)
    bis = GermanDateField(label=_("bis"), required=False)

    def __init__(self, *args, events: list[tuple[str, str]], people: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        everything: list[tuple[str, Any]] = [("", _("alle"))]
        choices = {"art": [(code, label) for code, (label, _prefixes) in KINDS.items()], "vorgang": events,
                   "person": [(str(pk), name) for pk, name in people]}
        for name, offered in choices.items():
            cast(forms.ChoiceField, self.fields[name]).choices = everything + offered

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("von"), cleaned.get("bis")
        if since and until and since > until:
            self.add_error("bis", _("Das Ende liegt vor dem Anfang."))
        return cleaned

    @property
    def filters(self) -> dict:
        """The valid filters, for `case_entries_filtered`; none while the form has errors."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {"kind": data["art"], "action": data["vorgang"], "actor": data["person"], "since": data["von"],
                "until": data["bis"]}
