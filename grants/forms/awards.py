"""The form of a grant's Finanzierungsart: input only; the rules live in
grants/services/awards.py (award_financing_set), whose error keys are these field names."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import GermanDecimalField
from grants.models.programmes import FinancingType


class AwardFinancingForm(forms.Form):
    financing_type = forms.ChoiceField(
        label=_("Finanzierungsart"), choices=FinancingType.choices, widget=forms.RadioSelect,
        error_messages={"required": _("Bitte eine Finanzierungsart wählen."),
                        "invalid_choice": _("Bitte eine der angebotenen Finanzierungsarten wählen.")})
    financing_share = GermanDecimalField(
        label=_("Anteil an den zuwendungsfähigen Ausgaben (%)"), required=False, max_digits=5, decimal_places=2,
        help_text=_("Nur bei Anteilfinanzierung, über 0 bis 100, z. B. 80 oder 62,5."),
        error_messages={"max_digits": _("Der Anteil muss über 0 und höchstens 100 % betragen."),
                        "max_whole_digits": _("Der Anteil muss über 0 und höchstens 100 % betragen."),
                        "max_decimal_places": _("Bitte höchstens zwei Nachkommastellen angeben.")})
