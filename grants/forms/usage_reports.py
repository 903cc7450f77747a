"""Forms of the Verwendungsnachweis: input only; the rules live in grants/services/usage_reports.py.

Field names are the service's error keys ("expenditure-<code>", "financing-<source>",
"narrative", "declaration", "questions"), so a refusal lands beside its field.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import MoneyField
from grants.plan.lines import RECEIVED_LABELS, FinancingSource

DECLARATION_TEXT = _(
    "Ich bestätige, dass die allgemeinen und besonderen Nebenbestimmungen des Zuwendungsbescheids "
    "(einschließlich ANBest-GK) beachtet wurden, die Ausgaben notwendig waren, wirtschaftlich und sparsam "
    "verfahren worden ist und die Angaben mit den Büchern und Belegen übereinstimmen.")

class UsageReportForm(forms.Form):
    """Actual expenditure per cost category of the programme, financing per source, declaration."""

    declaration = forms.BooleanField(label=DECLARATION_TEXT, required=False)

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = list(categories)
        for category in self.categories:
            self.fields[f"expenditure-{category.code}"] = MoneyField(
                label=_("tatsächliche Ausgaben: %(category)s") % {"category": category.name}, required=False)
        for source in FinancingSource.values:
            self.fields[f"financing-{source}"] = MoneyField(
                label=_("tatsächlich erhalten: %(source)s") % {"source": RECEIVED_LABELS[source]}, required=False)

    def expenditures(self) -> dict:
        return {c.code: self.cleaned_data.get(f"expenditure-{c.code}") for c in self.categories}

    def financings(self) -> dict:
        return {source: self.cleaned_data.get(f"financing-{source}") for source in FinancingSource.values}


class NarrativeForm(forms.Form):
    narrative = forms.FileField(
        label=_("Sachbericht (PDF)"), help_text=_("Nur PDF-Dateien."),
        error_messages={"required": _("Bitte eine PDF-Datei auswählen."),
                        "empty": _("Die Datei ist leer.")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Submitting the report may refuse for a missing Sachbericht; that message is placed on
        # this (then unbound) form, which add_error allows only with cleaned_data present.
        self.cleaned_data = {}


class AcceptForm(forms.Form):
    note = forms.CharField(label=_("Prüfvermerk (optional)"), required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))


class SendBackForm(forms.Form):
    questions = forms.CharField(
        label=_("Rückfragen an die Koordination"), widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Die Koordination sieht diesen Text beim Nachweis, ergänzt ihn und reicht erneut ein."),
        error_messages={"required": _("Bitte formulieren Sie Ihre Rückfragen.")})
