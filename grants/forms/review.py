"""Forms of the ministry's side: review actions and the decision (the work-queue filter is
grants/filters.py).

The forms only read input; every rule about what may happen lives in the services
(grants/services/reviews.py, grants/services/awards.py), whose FieldErrors land beside
the fields of the same name ("message", "amount-2027", "justification", "reason", "text").
"""

from decimal import Decimal
from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import MoneyField
from core.money import format_eur
from grants.models import ApplicationComment


class RequestChangesForm(forms.Form):
    message = forms.CharField(
        label=_("Nachricht an die Koordination"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Was soll nachgereicht oder geändert werden? Die Koordination sieht diesen Text."),
        error_messages={"required": _("Bitte schreiben Sie, was nachgereicht oder geändert werden soll.")},
    )


class RecommendForm(forms.Form):
    """One amount per year of the application, preset to the requested grant of that year."""

    justification = forms.CharField(
        label=_("Begründung"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Pflicht, wenn ein Betrag unter dem beantragten liegt."),
    )

    def __init__(self, *args, years: list[int], requested: dict[int, Decimal], **kwargs):
        super().__init__(*args, **kwargs)
        self.years = years
        self.requested = requested
        amount_fields = {}
        for year in years:
            amount_fields[f"amount-{year}"] = MoneyField(
                label=_("Empfohlene Zuwendung %(year)s") % {"year": year},
                initial=requested.get(year),
                error_messages={"required": _("Bitte den Betrag für %(year)s angeben.") % {"year": year}},
                help_text=_("Beantragt: %(amount)s") % {"amount": format_eur(requested.get(year, 0))},
                widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off",
                                              "class": "text-end", "data-amount": "recommended"}),
            )
        # Amounts first, then the justification.
        self.fields = {**amount_fields, "justification": self.fields["justification"]}

    def amount_fields(self):
        return [self[f"amount-{year}"] for year in self.years]

    def amounts(self) -> dict[int, Decimal]:
        return {year: self.cleaned_data[f"amount-{year}"] for year in self.years}

    def shown_total(self) -> Decimal | None:
        """The total of the amounts as shown: initial on GET, typed when all are valid."""
        if not self.is_bound:
            return sum((self.requested.get(y, Decimal("0.00")) for y in self.years), Decimal("0.00"))
        values = [self.cleaned_data.get(f"amount-{y}") for y in self.years] if hasattr(self, "cleaned_data") else []
        if not values or any(v is None for v in values):
            return None
        return sum(cast(list[Decimal], values), Decimal("0.00"))  # none is None here


class CommentForm(forms.Form):
    prefix = "comment"

    text = forms.CharField(label=_("Kommentar"), widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"required": _("Der Kommentar ist leer.")})
    visibility = forms.ChoiceField(label=_("Sichtbarkeit"), choices=ApplicationComment.Visibility.choices,
                                   initial=ApplicationComment.Visibility.INTERNAL, widget=forms.RadioSelect)


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Begründung der Ablehnung"), widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Die Begründung wird Teil des Ablehnungsbescheids."),
        error_messages={"required": _("Eine Ablehnung braucht eine Begründung.")},
    )
    discretion = forms.CharField(
        label=_("Ermessenserwägungen"), widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Welche Gesichtspunkte Sie bei der Ermessensentscheidung abgewogen haben (§ 39 Abs. 1 Satz 3 "
                    "HVwVfG); wird Teil des Ablehnungsbescheids."),
        error_messages={"required": _("Bitte die Ermessenserwägungen angeben.")},
    )
