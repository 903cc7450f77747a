"""Forms of the Mittelabruf (coordinator) and the Auszahlung (ministry): input only; the rules
live in grants/services/disbursements.py."""

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import GermanDateField, MoneyField


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
        year = cast(forms.TypedChoiceField, self.fields["year"])
        year.choices = [("", _("– bitte wählen –"))] + [(str(y), str(y)) for y in years]


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
