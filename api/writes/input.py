"""From a JSON request to what the UI's forms check and the services take.

The API validates with the very forms of the coordinator's pages – ApplicationDetailsForm,
PlanGridForm, PaymentRequestForm – bound to the values of the request, so a refusal carries the
same German message under the same key as on the page ("expenditure-2027-personal",
"period_end", "amount"). The API takes amounts as decimal strings with a point ("118000.00");
the German way of the form ("118.000,00") is read too.

Plan lines the grid has no cell for (an unknown cost category or financing source, a line given
twice, positions for a category that counts none) are handed to the service as they are, so the
plan rules (grants/plan/rules.py) name what is wrong, as they would for any caller.
"""

import re
from datetime import date
from decimal import Decimal

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS

from core.errors import FieldErrors
from core.money import ZERO
from grants.forms.applications import ApplicationDetailsForm, PlanGridForm
from grants.forms.payments import PaymentRequestForm
from grants.models import Application, CostCategory, FundingProgramme
from grants.plan.lines import ExpenditureLine, FinancingLine, FinancingSource
from grants.services.applications import APPLICATION_FIELDS

NON_FIELD = "non_field_errors"
_PLAIN_DECIMAL = re.compile(r"[+-]?\d+\.\d+")


def form_value(value) -> str:
    """A value of the request as the page's text field would hold it: "118000.50" (the API's
    form) becomes "118000,50", which the German field reads unambiguously; everything else
    ("118.000,00", "abc") goes to the field as it is, and the field says what is wrong."""
    if value is None:
        return ""
    text = value.isoformat() if isinstance(value, date) else str(value).strip()
    return text.replace(".", ",") if _PLAIN_DECIMAL.fullmatch(text) else text


def raise_form_errors(*bound: forms.BaseForm) -> None:
    """FieldErrors with every form's errors under the form's keys (form-wide ones under
    "non_field_errors"), when one of them is invalid."""
    errors: dict[str, list[str]] = {}
    for form in bound:
        if not form.is_valid():
            for key, messages in form.errors.items():
                errors.setdefault(NON_FIELD if key == NON_FIELD_ERRORS else key, []).extend(str(m) for m in messages)
    if errors:
        raise FieldErrors(errors)


def details_form(values: dict, *, programme: FundingProgramme,
                 application: Application | None = None) -> ApplicationDetailsForm:
    """The details form bound to the request's values; fields the request leaves out keep the
    stored value (PATCH), or stay empty for a new draft. Not yet checked: `raise_form_errors`."""
    data = {name: form_value(getattr(application, name)) if application is not None else ""
            for name in APPLICATION_FIELDS}
    data |= {name: form_value(value) for name, value in values.items() if name in APPLICATION_FIELDS}
    return ApplicationDetailsForm(data, instance=application, programme=programme)


class PlanInput:
    """The plan lines of the request ({"expenditures": [{year, category, amount, positions}],
    "financings": [{year, source, amount}]}) in the plan grid of the page (`grid`, checked with
    `raise_form_errors`), and afterwards as plan lines for the service (`lines`)."""

    def __init__(self, plan: dict, *, programme: FundingProgramme, application: Application | None = None):
        self.categories = {category.code: category for category in programme.cost_categories.all()}
        sources = set(FinancingSource.values)
        expenditure_input, financing_input = plan.get("expenditures", []), plan.get("financings", [])
        years = sorted(set(programme.years) | {line["year"] for line in [*expenditure_input, *financing_input]})
        data: dict[str, str] = {}
        # Lines the grid cannot hold, for the plan rules to name.
        self.extra_expenditures: list[ExpenditureLine] = []
        self.extra_financings: list[FinancingLine] = []
        self.positions_given: set[tuple[int, str]] = set()
        for line in expenditure_input:
            year, code = line["year"], line["category"]
            category = self.categories.get(code)
            if category is None:  # "gehört nicht zu diesem Förderprogramm"
                self.extra_expenditures.append(ExpenditureLine(year, CostCategory(code=code, name=code), ZERO))
                continue
            key = f"expenditure-{year}-{code}"
            if key in data:  # "ist doppelt angegeben"
                self.extra_expenditures.append(ExpenditureLine(year, category, ZERO))
                continue
            data[key] = form_value(line["amount"])
            if line.get("positions") not in (None, ""):
                if category.counts_positions:
                    data[f"positions-{year}-{code}"] = form_value(line["positions"])
                else:  # "werden keine Stellenanteile angegeben"
                    self.positions_given.add((year, code))
        for line in financing_input:
            year, source = line["year"], line["source"]
            key = f"financing-{year}-{source}"
            if source not in sources or key in data:  # "Unbekannte Finanzierungsquelle", "doppelt angegeben"
                self.extra_financings.append(FinancingLine(year, source, ZERO))
                continue
            data[key] = form_value(line["amount"])
        self.grid = PlanGridForm(data, programme=programme, application=application, years=years)

    def lines(self) -> tuple[list[ExpenditureLine], list[FinancingLine]]:
        """The lines typed into the grid (after `raise_form_errors(grid)`) and those it cannot hold."""
        expenditures, financings = self.grid.lines()
        extra_expenditures = list(self.extra_expenditures)
        if self.positions_given:
            expenditures = [ExpenditureLine(e.year, e.category, e.amount, Decimal("0.00"))
                            if (e.year, e.category.code) in self.positions_given else e for e in expenditures]
            typed = {(e.year, e.category.code) for e in expenditures}
            extra_expenditures += [ExpenditureLine(year, self.categories[code], ZERO, Decimal("0.00"))
                                   for year, code in sorted(self.positions_given - typed)]
        return expenditures + extra_expenditures, financings + self.extra_financings


def payment_form(values: dict, *, years: list[int]) -> PaymentRequestForm:
    """The Mittelabruf form of the page bound to the request's year, amount and stated need."""
    data = {name: form_value(values.get(name)) for name in ("year", "amount", "stated_need")}
    return PaymentRequestForm(data, years=years)
