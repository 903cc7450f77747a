"""The coordinator's application form: details, and the financing plan as a grid."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import GermanDateField, GermanDecimalField, MoneyField
from grants.models import Application, FundingProgramme
from grants.plan.lines import ExpenditureLine, FinancingLine, FinancingSource


class ApplicationDetailsForm(forms.ModelForm):
    period_start = GermanDateField(label=_("Beginn des Vorhabens"), help_text=_("z. B. 01.01.2026"))
    period_end = GermanDateField(label=_("Ende des Vorhabens"), help_text=_("z. B. 31.12.2030"))

    class Meta:
        model = Application
        fields = ["title", "purpose", "period_start", "period_end", "contact_name", "contact_phone",
                  "contact_email"]
        widgets = {"purpose": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "title": _("z. B. „WIR-Vielfaltszentrum Werra-Meißner-Kreis“"),
            "purpose": _("Wofür die Zuwendung verwendet wird; erscheint so im Bescheid."),
        }

    def __init__(self, *args, programme: FundingProgramme, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme = programme
        if not self.instance.pk:
            self.initial.setdefault("period_start", programme.period_start)
            self.initial.setdefault("period_end", programme.period_end)
        for name in ("title", "purpose", "period_start", "period_end"):
            self.fields[name].required = True

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and start > end:
            self.add_error("period_end", _("Das Ende muss nach dem Beginn liegen."))
        return cleaned

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class PlanGridForm(forms.Form):
    """One field per cell: `expenditure-<year>-<category>`, `positions-<year>-<category>`,
    `financing-<year>-<source>` – the same keys the plan rules report errors under."""

    def __init__(self, *args, programme: FundingProgramme, application: Application | None = None,
                 years: list[int] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.years = programme.years if years is None else years
        self.categories = list(programme.cost_categories.all())
        self.sources = list(FinancingSource.choices)
        for year in self.years:
            for category in self.categories:
                self.fields[f"expenditure-{year}-{category.code}"] = MoneyField(
                    required=False, label=f"{category.name} {year}")
                if category.counts_positions:
                    self.fields[f"positions-{year}-{category.code}"] = GermanDecimalField(
                        required=False, max_digits=5, decimal_places=2, min_value=Decimal("0"),
                        label=_("Stellen (VZÄ) %(category)s %(year)s") % {"category": category.name, "year": year},
                        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "positions"}))
            for source, label in self.sources:
                self.fields[f"financing-{year}-{source}"] = MoneyField(required=False, label=f"{label} {year}")
            # Not an input: the place where the rules report that a year does not balance.
            self.fields[f"year-{year}"] = forms.CharField(
                required=False, widget=forms.HiddenInput, label=_("Ausgleich %(year)s") % {"year": year})
        if application is not None and not self.is_bound:
            for line in application.expenditures.select_related("category"):
                self.initial[f"expenditure-{line.year}-{line.category.code}"] = line.amount
                if line.positions is not None:
                    self.initial[f"positions-{line.year}-{line.category.code}"] = line.positions
            for financing in application.financings.all():
                self.initial[f"financing-{financing.year}-{financing.source}"] = financing.amount

    def lines(self) -> tuple[list[ExpenditureLine], list[FinancingLine]]:
        """The plan lines typed in; empty cells are no line."""
        data = self.cleaned_data
        expenditures, financings = [], []
        for year in self.years:
            for category in self.categories:
                amount = data.get(f"expenditure-{year}-{category.code}")
                positions = data.get(f"positions-{year}-{category.code}") if category.counts_positions else None
                if amount is not None or positions is not None:
                    expenditures.append(ExpenditureLine(year, category, amount or Decimal("0.00"), positions))
            for source, _label in self.sources:
                amount = data.get(f"financing-{year}-{source}")
                if amount is not None:
                    financings.append(FinancingLine(year, source, amount))
        return expenditures, financings

    def rows(self):
        """The grid for the template: expenditure rows, financing rows, each with a cell per year."""
        expenditure_rows = []
        for category in self.categories:
            expenditure_rows.append({
                "label": category.name, "category": category,
                "cells": [self[f"expenditure-{year}-{category.code}"] for year in self.years],
                "positions": [self[f"positions-{year}-{category.code}"] for year in self.years]
                if category.counts_positions else None,
            })
        financing_rows = [
            {"label": label, "source": source, "cells": [self[f"financing-{year}-{source}"] for year in self.years]}
            for source, label in self.sources
        ]
        return expenditure_rows, financing_rows

    def balance_cells(self):
        return [self[f"year-{year}"] for year in self.years]
