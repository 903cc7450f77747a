"""The financing plan of an application: reading its lines, checking them against the rules
(grants/plan/rules.py), writing them, and the binding plan an award takes from them."""

from decimal import Decimal
from typing import cast

from django.db import transaction

from audit.services import audit_log
from core.errors import PlanInvalid
from core.money import ZERO
from grants.models import Application, CostCategory, PlanExpenditure, PlanFinancing
from grants.plan import codec, lines
from grants.plan.lines import GRANT, ExpenditureLine, FinancingLine
from grants.plan.rules import rule_errors, structure_errors
from grants.policies import check, may_application_plan_edit
from grants.policies.base import refuse_other_body


def plan_lines(application: Application) -> tuple[list[ExpenditureLine], list[FinancingLine]]:
    """The application's plan as stored, as plan lines."""
    expenditures = [
        ExpenditureLine(e.year, e.category, e.amount, e.positions)
        for e in application.expenditures.select_related("category")
    ]
    financings = [FinancingLine(f.year, f.source, f.amount) for f in application.financings.all()]
    return expenditures, financings


def plan_structure_errors(*, application: Application, expenditures: list[ExpenditureLine],
                          financings: list[FinancingLine]) -> dict[str, list[str]]:
    """Errors that make a plan unsavable even as a draft (lines outside the application's years,
    unknown categories or sources, negative or oversized amounts, duplicates)."""
    return structure_errors(programme_id=application.programme_id, years=application.years,
                            expenditures=expenditures, financings=financings)


def plan_submission_errors(application: Application) -> dict[str, list[str]]:
    """Every rule a plan must meet before it can be submitted."""
    expenditures, financings = plan_lines(application)
    return rule_errors(programme=application.programme, period_start=application.period_start,
                       period_end=application.period_end, expenditures=expenditures, financings=financings)


def requested_grant_by_year(application: Application) -> dict[int, Decimal]:
    """The grant applied for per budget year of the application (0,00 € where none)."""
    return lines.grant_by_year(plan_lines(application)[1], application.years)


def plan_totals(application: Application) -> dict[str, str]:
    """Total expenditure and grant of the stored plan, as the audit trail records them."""
    expenditures, financings = plan_lines(application)
    return {
        "ausgaben": str(sum((e.amount for e in expenditures), ZERO)),
        "zuwendung": str(sum((f.amount for f in financings if f.source == GRANT), ZERO)),
    }


def plan_write(application: Application, expenditures: list[ExpenditureLine],
               financings: list[FinancingLine]) -> None:
    """Replace the stored lines of the (locked, saved) application; the caller has checked them."""
    application.expenditures.all().delete()
    application.financings.all().delete()
    # Lines to store are made with the programme's cost categories: CostCategory rows.
    PlanExpenditure.objects.bulk_create(
        PlanExpenditure(application=application, year=e.year, category=cast(CostCategory, e.category),
                        amount=e.amount, positions=e.positions)
        for e in expenditures
    )
    PlanFinancing.objects.bulk_create(
        PlanFinancing(application=application, year=f.year, source=f.source, amount=f.amount)
        for f in financings
    )


def financing_plan_replace(
    *, application: Application, user, expenditures: list[ExpenditureLine], financings: list[FinancingLine]
) -> Application:
    """Replace the whole plan of an editable application (draft or request for changes).

    A draft may be unbalanced; the full rules are checked on submission.
    """
    check(refuse_other_body(user, application.municipality_id))
    expenditures, financings = lines.rounded(expenditures, financings)
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        check(may_application_plan_edit(user, application))
        errors = plan_structure_errors(application=application, expenditures=expenditures, financings=financings)
        if errors:
            raise PlanInvalid(errors)
        before = plan_totals(application)
        plan_write(application, expenditures, financings)
        application.save(update_fields=["updated_at"])
        after = plan_totals(application)
        audit_log(actor=user, action="grants.application.plan_changed", target=application,
                  changes={key: [before[key], after[key]] for key in after if before[key] != after[key]})
    return application


def plan_snapshot(application: Application, approved: dict[int, Decimal]) -> dict:
    """The binding plan as approved (stored JSON). Where the grant of a year was cut, the
    recipient's own funds carry the difference, so each year stays balanced."""
    expenditures, financings = plan_lines(application)
    return codec.encode(codec.from_lines(application.years, expenditures, financings, approved=approved))
