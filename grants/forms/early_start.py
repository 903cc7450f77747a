"""The consent to an early project start (vorzeitiger Maßnahmebeginn), recorded by ministry staff."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import GermanDateField


class EarlyStartConsentForm(forms.Form):
    consented_on = GermanDateField(label=_("Zustimmung erteilt am"),
                                   error_messages={"required": _("Bitte das Datum der Zustimmung angeben.")})
    consented_by = forms.CharField(
        label=_("Zustimmung erteilt durch"), max_length=300,
        help_text=_("Behörde und Organisationseinheit, z. B. „Hessisches Ministerium für Soziales und Integration, "
                    "Referat II 5“; wird im Zuwendungsbescheid gedruckt."),
        error_messages={"required": _("Bitte angeben, wer der vorzeitigen Maßnahme zugestimmt hat.")})
    allowed_from = GermanDateField(label=_("Beginn zugelassen ab"),
                                   error_messages={"required": _("Bitte angeben, ab wann der Beginn zugelassen ist.")})
