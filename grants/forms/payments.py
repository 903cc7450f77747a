"""Forms of the Mittelabruf (coordinator) and the Auszahlung (ministry): input only; the rules
live in grants/services/disbursements.py."""

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core.forms import GermanDateField, MoneyField
from grants.models import Disbursement, FundingProgramme
from municipalities.models import Municipality

D = Disbursement.Status

# The queue's tabs, in the order a payment passes them.
QUEUE_STATUSES = [D.REQUESTED, D.PREPARED, D.RELEASED, D.PAID, D.REJECTED]


class PaymentRequestForm(forms.Form):
    """Budget year (one of the award's years), amount and the stated need."""

    year = forms.TypedChoiceField(label=_("Haushaltsjahr"), coerce=int,
                                  error_messages={"required": _("Bitte das Haushaltsjahr wählen."),
                                                  "invalid_choice": _("Bitte ein Jahr der Zuwendung wählen.")})
    amount = MoneyField(label=_("Betrag"), help_text=_("in Euro, z. B. 40.000,00"),
                        error_messages={"required": _("Bitte den Betrag angeben.")})
    stated_need = forms.CharField(
        label=_("Begründung des Bedarfs"), widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Wofür werden die Mittel innerhalb der Frist nach der Auszahlung benötigt?"),
        error_messages={"required": _("Bitte begründen Sie, wofür die Mittel benötigt werden.")})

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("– bitte wählen –"))] + [(str(y), str(y)) for y in years]


class PaymentBookForm(forms.Form):
    paid_on = GermanDateField(
        label=_("Auszahlungsdatum"), help_text=_("z. B. 25.11.2026"),
        error_messages={"required": _("Bitte das Auszahlungsdatum angeben.")})
    payment_reference = forms.CharField(
        label=_("Buchungszeichen"), max_length=100, help_text=_("Kassenzeichen oder Buchungsnummer der Zahlung"),
        error_messages={"required": _("Bitte das Buchungszeichen angeben.")})


class PaymentRejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Begründung der Ablehnung"), widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Die Koordination sieht diese Begründung beim Mittelabruf."),
        error_messages={"required": _("Bitte begründen Sie die Ablehnung.")})


class PaymentQueueFilterForm(forms.Form):
    """Status tab, body and programme period; invalid values are ignored (the tab falls back
    to "angefordert")."""

    status = forms.ChoiceField(label=_("Status"), required=False, choices=[(s.value, s.label) for s in QUEUE_STATUSES])
    municipality = forms.ModelChoiceField(label=_("Gebietskörperschaft"), required=False,
                                          queryset=Municipality.objects.order_by("name"), empty_label=_("alle"))
    programme = forms.ModelChoiceField(label=_("Förderperiode"), required=False, to_field_name="code",
                                       queryset=FundingProgramme.objects.order_by("-period_start"),
                                       empty_label=_("alle"))

    def _value(self, name):
        if not self.is_bound:
            return None
        self.is_valid()
        return self.cleaned_data.get(name) or None

    @property
    def current_status(self) -> str:
        return self._value("status") or D.REQUESTED

    def filter(self, queryset: QuerySet) -> QuerySet:
        """Body and programme filters (not the status: the tabs count each status)."""
        if municipality := self._value("municipality"):
            queryset = queryset.filter(award_year__award__application__municipality=municipality)
        if programme := self._value("programme"):
            queryset = queryset.filter(award_year__award__application__programme=programme)
        return queryset

    @property
    def filtered(self) -> bool:
        return bool(self._value("municipality") or self._value("programme"))
