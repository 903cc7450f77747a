"""Saving the coordinator's form: the application's details and its whole plan at once.

Details and plan are checked together against the period typed in the same form, and
written in one transaction: either everything typed is saved, or nothing and every
error is reported with the field it belongs to.
"""

from datetime import date

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from audit.services import audit_log
from core.errors import FieldErrors
from grants.models import Application, FundingProgramme
from grants.models.applications import EDITABLE_STATUSES
from grants.services.applications import (
    APPLICATION_FIELDS,
    _field_errors,
    check_may_start_application,
    concurrent_application_refusal,
)
from grants.services.guards import require_own_body, require_status
from grants.plan import lines
from grants.plan.lines import ExpenditureLine, FinancingLine
from grants.services.plans import plan_structure_errors, plan_totals, plan_write
from core import clock


def application_save(
    *, user, data: dict, expenditures: list[ExpenditureLine], financings: list[FinancingLine],
    application: Application | None = None, programme: FundingProgramme | None = None, today: date | None = None,
) -> Application:
    """Create a draft (with `programme`) or change an editable one (with `application`)."""
    unknown = set(data) - set(APPLICATION_FIELDS)
    if unknown:
        raise TypeError(f"Unbekannte Felder: {', '.join(sorted(unknown))}")
    expenditures, financings = lines.rounded(expenditures, financings)
    try:
        with transaction.atomic():
            if application is None:
                check_may_start_application(user, programme, today or clock.today())
                application = Application(programme=programme, municipality=user.municipality, created_by=user)
                before = {}
                plan_before = None
            else:
                require_own_body(user, application.municipality)
                application = Application.objects.select_for_update(of=("self",)).select_related(
                    "programme").get(pk=application.pk)
                require_status(application, EDITABLE_STATUSES, _("Den Antrag zu ändern"))
                before = {name: getattr(application, name) for name in APPLICATION_FIELDS}
                plan_before = plan_totals(application)

            merged = before | data
            errors = _field_errors(application.programme, merged)
            for name, value in data.items():
                setattr(application, name, value)
            if "period" not in errors:
                errors.update(plan_structure_errors(application=application, expenditures=expenditures,
                                                    financings=financings))
            if errors:
                raise FieldErrors(errors)

            created = application.pk is None
            application.save()
            plan_write(application, expenditures, financings)

            plan_after = plan_totals(application)
            if created:
                audit_log(actor=user, action="grants.application.created", target=application,
                          changes={"status": [None, application.status]}, data={"plan": plan_after})
            else:
                changes = {name: [before[name], value] for name, value in data.items() if before[name] != value}
                changes |= {f"plan.{key}": [plan_before[key], plan_after[key]]
                            for key in plan_after if plan_before[key] != plan_after[key]}
                if changes:
                    audit_log(actor=user, action="grants.application.changed", target=application, changes=changes)
    except IntegrityError:
        raise concurrent_application_refusal(user) from None
    return application
