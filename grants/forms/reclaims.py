"""Forms of the Rückforderung and of the Basiszinssatz table: input only; the rules live in
grants/services/reclaims.py. Field names are the service's error keys, so a refusal lands
beside its field."""

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import GermanDateField, GermanDecimalField, MoneyField
from grants.models import Reclaim


class AwardYearChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return str(obj.budget.year)


class ReclaimProposeForm(forms.Form):
    award_year = AwardYearChoiceField(
        label=_("Haushaltsjahr"), queryset=None, empty_label=_("– bitte wählen –"),
        error_messages={"required": _("Bitte das Haushaltsjahr auswählen."),
                        "invalid_choice": _("Bitte ein Haushaltsjahr dieser Zuwendung auswählen.")})
    ground = forms.ChoiceField(
        label=_("Grund"), choices=Reclaim.Ground.choices, widget=forms.RadioSelect,
        error_messages={"required": _("Bitte einen Grund der Rückforderung auswählen."),
                        "invalid_choice": _("Bitte einen Grund der Rückforderung auswählen.")})
    principal = MoneyField(label=_("Erstattungsbetrag"),
                           error_messages={"required": _("Bitte den Erstattungsbetrag angeben.")})
    interest_from = GermanDateField(
        label=_("Verzinsung ab"),
        error_messages={"required": _("Bitte angeben, ab wann die Erstattung zu verzinsen ist.")},
        help_text=_("In der Regel der Tag der Auszahlung der zurückgeforderten Mittel (§ 49a Abs. 3 HVwVfG)."))
    interest_waived = forms.BooleanField(
        label=_("Zinsen nicht geltend machen"), required=False,
        help_text=_("§ 49a Abs. 3 Satz 2 HVwVfG: etwa wenn die Umstände nicht zu vertreten sind und fristgerecht "
                    "gezahlt wird."))
    reason = forms.CharField(
        label=_("Begründung"), widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Steht im Rückforderungsbescheid (IV. Begründung) und als Prüfvermerk am Nachweis."),
        error_messages={"required": _("Bitte begründen Sie die Rückforderung; die Begründung steht im Bescheid.")})
    facts_known_on = GermanDateField(
        label=_("Tatsachen bekannt seit"), required=False,
        help_text=_("Tag, an dem die Behörde die Tatsachen kannte, die den Widerruf rechtfertigen (leer: heute, die "
                    "Prüfung des Nachweises). Ab ihm läuft die Jahresfrist nach § 48 Abs. 4 HVwVfG."))

    def __init__(self, *args, award, principal_help: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        award_year = cast(forms.ModelChoiceField, self.fields["award_year"])
        award_year.queryset = award.years.select_related("budget").order_by("budget__year")
        if principal_help:
            self.fields["principal"].help_text = principal_help


class ReclaimIssueForm(forms.Form):
    weighing = forms.CharField(
        label=_("Abwägung"), widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Würdigung der Anhörung (Stellungnahme oder ihr Ausbleiben) und Ermessenserwägungen; steht in "
                    "der Begründung des Bescheids."),
        error_messages={"required": _("Bitte die Abwägung festhalten: Wie ist die Anhörung gewürdigt, warum wird "
                                      "widerrufen? Sie steht in der Begründung des Bescheids.")})
    interest_waived = forms.BooleanField(
        label=_("Von Zinsen absehen (§ 49a Abs. 3 Satz 2 HVwVfG)"), required=False,
        help_text=_("Etwa wenn die Umstände, die zum Widerruf führen, nicht zu vertreten sind und fristgerecht "
                    "gezahlt wird."))
    interest_waiver_reason = forms.CharField(
        label=_("Begründung zum Zinsverzicht"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Nur wenn von Zinsen abgesehen wird; steht im Bescheid."))


class HearingAnswerForm(forms.Form):
    text = forms.CharField(
        label=_("Ihre Stellungnahme"), widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": _("Bitte geben Sie Ihre Stellungnahme ein.")})
    pdf = forms.FileField(
        label=_("Anlage (PDF, optional)"), required=False, help_text=_("Nur PDF-Dateien."),
        error_messages={"empty": _("Die Datei ist leer.")})


class ReclaimDiscardForm(forms.Form):
    reason = forms.CharField(
        label=_("Grund der Verwerfung"), widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Bitte angeben, warum die Rückforderung verworfen wird.")})


class RepaymentForm(forms.Form):
    received_on = GermanDateField(label=_("Eingangsdatum"), help_text=_("Tag der Gutschrift, z. B. 25.11.2026"),
                                  error_messages={"required": _("Bitte das Eingangsdatum angeben.")})
    amount = MoneyField(label=_("Betrag"), help_text=_("in Euro, z. B. 1.234,56"),
                        error_messages={"required": _("Bitte den eingegangenen Betrag angeben.")})
    reference = forms.CharField(label=_("Buchungszeichen (optional)"), max_length=100, required=False)


class BaseRateForm(forms.Form):
    valid_from = GermanDateField(
        label=_("gültig ab"), help_text=_("1. Januar oder 1. Juli, z. B. 01.01.2026"),
        error_messages={"required": _("Bitte das Datum angeben, ab dem der Basiszinssatz gilt.")})
    rate = GermanDecimalField(
        label=_("Basiszinssatz in %"), help_text=_("z. B. 1,27 oder -0,88"),
        error_messages={"required": _("Bitte den Basiszinssatz in Prozent angeben, z. B. 1,27 oder -0,88.")})
    source = forms.CharField(label=_("Quelle"), max_length=200, required=False,
                             help_text=_("z. B. Bekanntmachung der Deutschen Bundesbank"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # GermanDecimalField.to_python accepts a leading minus sign.
        self.fields["rate"].widget.attrs["inputmode"] = "text"
