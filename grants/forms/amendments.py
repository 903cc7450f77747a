"""Forms of the Änderungsantrag: the coordinator's request (period end, reason; the plan is
the application's grid, `PlanGridForm`, over the years the period may reach) and the
ministry's actions (the queue filter is in grants/filters.py). Rules live in
grants/services/amendments.py, whose FieldErrors land beside the fields of the same name
("period_end", "reason", the grid's cells, "questions", "note")."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import GermanDateField
from grants.forms.applications import PlanGridForm
from grants.models import AmendmentRequest, Award
from grants.plan.lines import ExpenditureLine, FinancingLine

S = AmendmentRequest.Status


class AmendmentForm(forms.Form):
    period_end = GermanDateField(
        label=_("Ende des Bewilligungszeitraums"),
        error_messages={"required": _("Bitte das Ende des Bewilligungszeitraums angeben.")})
    reason = forms.CharField(
        label=_("Begründung der Änderung"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Was sich geändert hat und warum der Finanzierungsplan angepasst werden muss; nötig zum "
                    "Einreichen."))


def amendment_grid(award: Award, data=None, *, initial: tuple[list[ExpenditureLine], list[FinancingLine]] | None = None
                   ) -> PlanGridForm:
    """The plan grid from the award's first year to the programme's last (the period may be
    extended up to it), prefilled with `initial` lines unless bound."""
    programme = award.application.programme
    years = list(range(award.period_start.year, programme.period_end.year + 1))
    grid = PlanGridForm(data, programme=programme, years=years)
    if data is None and initial is not None:
        expenditures, financings = initial
        for line in expenditures:
            grid.initial[f"expenditure-{line.year}-{line.category.code}"] = line.amount
            if line.positions is not None:
                grid.initial[f"positions-{line.year}-{line.category.code}"] = line.positions
        for financing in financings:
            if financing.amount or financing.source == "zuwendung":
                grid.initial[f"financing-{financing.year}-{financing.source}"] = financing.amount
    return grid


class QuestionsForm(forms.Form):
    questions = forms.CharField(label=_("Rückfragen an die Koordination"), widget=forms.Textarea(attrs={"rows": 4}),
                                error_messages={"required": _("Bitte schreiben Sie Ihre Rückfragen.")})


class RecommendForm(forms.Form):
    note = forms.CharField(label=_("Vermerk zur Empfehlung (optional)"), required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))


class ApproveForm(forms.Form):
    note = forms.CharField(label=_("Vermerk zur Bewilligung (optional)"), required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Begründung der Ablehnung"), widget=forms.Textarea(attrs={"rows": 4}),
                             error_messages={"required": _("Eine Ablehnung braucht eine Begründung.")})
