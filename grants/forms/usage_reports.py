"""Forms of the Verwendungsnachweis: input only; the rules live in grants/services/usage_reports.py.

Field names are the service's error keys ("expenditure-<code>", "financing-<source>",
"narrative", "declaration", "questions"), so a refusal lands beside its field.
"""

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.forms import MoneyField
from grants.models import FundingProgramme, UsageReport
from grants.plan.lines import FinancingSource
from municipalities.models import Municipality

DECLARATION_TEXT = _(
    "Ich bestätige, dass die allgemeinen und besonderen Nebenbestimmungen des Zuwendungsbescheids "
    "(einschließlich ANBest-GK) beachtet wurden, die Ausgaben notwendig waren, wirtschaftlich und sparsam "
    "verfahren worden ist und die Angaben mit den Büchern und Belegen übereinstimmen.")

# How the financing sources read in a proof of use (what was received, not what was applied for).
SOURCE_LABELS = {
    FinancingSource.OWN_FUNDS: pgettext_lazy("Finanzierung im Nachweis", "Eigenmittel"),
    FinancingSource.THIRD_PARTY: pgettext_lazy("Finanzierung im Nachweis", "Drittmittel"),
    FinancingSource.GRANT: pgettext_lazy("Finanzierung im Nachweis", "Zuwendung des Landes"),
}


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
                label=_("tatsächlich erhalten: %(source)s") % {"source": SOURCE_LABELS[source]}, required=False)

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


class UsageReportFilterForm(forms.Form):
    """Status, programme period and body; invalid values are ignored."""

    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("alle"))] + [
                                   (s.value, s.label) for s in UsageReport.Status if s != UsageReport.Status.DRAFT])
    programme = forms.ModelChoiceField(label=_("Förderperiode"), required=False, to_field_name="code",
                                       queryset=FundingProgramme.objects.order_by("-period_start"),
                                       empty_label=_("alle"))
    municipality = forms.ModelChoiceField(label=_("Gebietskörperschaft"), required=False,
                                          queryset=Municipality.objects.order_by("name"), empty_label=_("alle"))

    def _value(self, name):
        if not self.is_bound:
            return None
        self.is_valid()
        return self.cleaned_data.get(name) or None

    def filter(self, queryset: QuerySet) -> QuerySet:
        if status := self._value("status"):
            queryset = queryset.filter(status=status)
        if programme := self._value("programme"):
            queryset = queryset.filter(award__application__programme=programme)
        if municipality := self._value("municipality"):
            queryset = queryset.filter(award__application__municipality=municipality)
        return queryset

    @property
    def filtered(self) -> bool:
        return any(self._value(name) for name in ("status", "programme", "municipality"))
