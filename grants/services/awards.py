"""The decision: approve (creating the award and committing budgets) or reject. Who may decide is
decided in grants/policies/applications.py; the budget rule is grants/services/budgets.py."""

from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.roles import Capability
from audit.services import audit_log
from core import clock
from core.errors import FieldErrors
from core.money import ZERO, format_eur
from grants.handovers import handover
from grants.models import Application, ApplicationStatus, Award, AwardRevision, AwardYear, Decision
from grants.models.programmes import FinancingType, financing_share_errors
from grants.notifications import notify_applicant
from grants.policies import (
    check,
    may_application_approve,
    may_application_reject,
    may_award_financing_change,
    refuse_capability,
)
from grants.policies.applications import current_recommendation
from grants.services.budgets import budget_lock_and_check
from grants.services.plans import plan_snapshot
from inbox.models import Event

S = ApplicationStatus

def application_approve(*, application: Application, user, now: datetime | None = None) -> Award:
    """Zur Bewilligung empfohlen → Bewilligt: creates the award with the recommended amounts.

    Locks the budget rows of every year (in year order, so concurrent approvals cannot
    deadlock) before summing what is committed: two approvals that together exceed a
    year's budget cannot both succeed.
    """
    check(refuse_capability(user, Capability.DECIDE))
    now = now or clock.now()
    with transaction.atomic():
        application = (Application.objects.select_for_update(of=("self",)).select_related("programme")
                       .get(pk=application.pk))
        recommendation = current_recommendation(application)
        check(may_application_approve(user, application, recommendation=recommendation))
        assert recommendation is not None  # status RECOMMENDED (checked above): there is a recommendation
        amounts = {row.year: row.amount for row in recommendation.years.all()}
        years = sorted(year for year, amount in amounts.items() if amount > 0)
        budgets = budget_lock_and_check(programme=application.programme,
                                        amounts={year: amounts[year] for year in years})
        decision = Decision.objects.create(
            application=application, recommendation=recommendation, outcome=Decision.Outcome.APPROVED,
            decided_by=user, recommended_by=recommendation.recommended_by, decided_at=now)
        award = Award.objects.create(
            application=application, decision=decision, period_start=application.period_start,
            period_end=application.period_end, plan_snapshot=plan_snapshot(application, amounts),
            financing_type=application.programme.financing_type,
            financing_share=application.programme.financing_share)
        AwardYear.objects.bulk_create(
            AwardYear(award=award, budget=budgets[year], amount=amounts[year]) for year in years
        )
        # Fassung 1: the award as approved; approved Änderungsanträge add the next ones.
        AwardRevision.objects.create(
            award=award, number=1, period_start=award.period_start, period_end=award.period_end,
            amounts={str(year): str(amounts[year]) for year in years}, plan_snapshot=award.plan_snapshot,
            created_at=now, created_by=user)
        application.status = S.APPROVED
        application.save(update_fields=["status", "updated_at"])
        total = sum((amounts[y] for y in years), ZERO)
        audit_log(actor=user, action="grants.application.approved", target=application,
                  changes={"status": [S.RECOMMENDED, S.APPROVED]},
                  data={"award": award.pk, "total": str(total),
                        "amounts": {str(y): str(amounts[y]) for y in years}})
        audit_log(actor=user, action="grants.award.created", target=award,
                  changes={"status": [None, award.status]}, data={"total": str(total)})
        mailed = notify_applicant(application, "approved", total=str(total),
                                  amounts=[(year, str(amounts[year])) for year in years])
        handover(Event.APPROVED, application=application, actor=user, key=f"decision:{decision.pk}", mailed=mailed,
                 detail=_("Bewilligt: bis zu %(total)s. Der Zuwendungsbescheid folgt; Sie werden benachrichtigt, "
                          "sobald er erlassen ist.") % {"total": format_eur(total)})
    return award


def application_reject(*, application: Application, user, reason: str, now: datetime | None = None,
                       discretion: str = "") -> Decision:
    """In Prüfung or Zur Bewilligung empfohlen → Abgelehnt, with a reason and the discretion
    exercised (Ermessenserwägungen, printed on the Ablehnungsbescheid)."""
    check(refuse_capability(user, Capability.DECIDE))
    if not reason.strip():
        raise FieldErrors({"reason": [_("Eine Ablehnung braucht eine Begründung.")]})
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        recommendation = current_recommendation(application) if application.status == S.RECOMMENDED else None
        check(may_application_reject(user, application, recommendation=recommendation))
        decision = Decision.objects.create(
            application=application, recommendation=recommendation, outcome=Decision.Outcome.REJECTED,
            decided_by=user, recommended_by=recommendation.recommended_by if recommendation else None,
            decided_at=now or clock.now(), reason=reason.strip(), discretion=discretion.strip())
        before = application.status
        application.status = S.REJECTED
        application.save(update_fields=["status", "updated_at"])
        audit_log(actor=user, action="grants.application.rejected", target=application,
                  changes={"status": [before, S.REJECTED]},
                  data={"reason": decision.reason,
                        **({"discretion": decision.discretion} if decision.discretion else {})})
        mailed = notify_applicant(application, "rejected", reason=decision.reason)
        handover(Event.REJECTED, application=application, actor=user, key=f"decision:{decision.pk}", mailed=mailed,
                 detail=decision.reason)
    return decision


def award_financing_set(*, award: Award, user, financing_type: str, financing_share: Decimal | None) -> Award:
    """Change the Finanzierungsart (and for Anteilfinanzierung the share) of a grant whose
    Zuwendungsbescheid is not yet issued. Locks the application row, as issuing a notice does,
    so the change either precedes the notice (which then prints it) or is refused."""
    check(refuse_capability(user, Capability.DECIDE))
    if financing_type not in FinancingType.values:
        raise FieldErrors({"financing_type": [_("Bitte eine der angebotenen Finanzierungsarten wählen.")]})
    if financing_type != FinancingType.ANTEIL:
        financing_share = None
    errors = financing_share_errors(financing_type, financing_share)
    if errors:
        raise FieldErrors({key: [message] for key, message in errors.items()})
    with transaction.atomic():
        Application.objects.select_for_update(of=("self",)).get(pk=award.application_id)
        award = Award.objects.select_for_update(of=("self",)).select_related("application").get(pk=award.pk)
        check(may_award_financing_change(user, award))
        before = (award.financing_type, award.financing_share)
        if before == (financing_type, financing_share):
            return award
        award.financing_type, award.financing_share = financing_type, financing_share
        award.save(update_fields=["financing_type", "financing_share"])
        audit_log(actor=user, action="grants.award.financing_changed", target=award, changes={
            "financing_type": [before[0], financing_type],
            "financing_share": [None if before[1] is None else str(before[1]),
                                None if financing_share is None else str(financing_share)]})
    return award
