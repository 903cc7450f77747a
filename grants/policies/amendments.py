"""Änderungsanträge: the own body's coordinator asks, while the award runs and its period has
not ended, to change the binding plan; the clerk asks back or recommends; a second person with
signing authority approves (issuing the Änderungsbescheid) or rejects."""

from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.roles import Capability
from core import clock
from core.errors import DomainError
from core.formats import format_date
from grants.models import AmendmentRequest, Award
from grants.policies.base import (
    Refusal,
    refuse_capability,
    refuse_closed,
    refuse_other_body,
    refuse_same_person,
    refuse_status,
)
from grants.selectors.amendments import open_request
from grants.selectors.awards import award_notice_of

S = AmendmentRequest.Status

FOUR_EYES = gettext_lazy("Vier-Augen-Prinzip: Sie haben diesen Änderungsantrag zur Bewilligung empfohlen und "
                         "dürfen ihn deshalb nicht selbst entscheiden.")
_UNSET = object()


def refuse_period_ended(award: Award, today: date | None = None) -> Refusal | None:
    """The body can no longer ask for a change once the award's period has ended (a request
    made in time is still decided afterwards)."""
    if (today or clock.today()) <= award.period_end:
        return None
    return Refusal(_("Der Bewilligungszeitraum ist am %(end)s abgelaufen; eine Änderung kann nur bis zu seinem "
                     "Ende beantragt werden.") % {"end": format_date(award.period_end)})


def may_amendment_edit(user, award: Award, *, request=_UNSET, today: date | None = None) -> Refusal | None:
    """Start the award's Änderungsantrag or change its draft. `request` is the award's open
    request where the caller has it already (None: there is none)."""
    if refusal := (refuse_other_body(user, award.application.municipality_id) or refuse_closed(award)
                   or refuse_period_ended(award, today)):
        return refusal
    request = open_request(award) if request is _UNSET else request
    if request is not None:
        return refuse_status(request, (S.DRAFT,), _("Den Änderungsantrag zu bearbeiten"))
    return None


def may_amendment_submit(user, request: AmendmentRequest, *, today: date | None = None) -> Refusal | None:
    award = request.award
    return (refuse_other_body(user, award.application.municipality_id) or refuse_closed(award)
            or refuse_period_ended(award, today) or refuse_status(request, (S.DRAFT,), _("Das Einreichen")))


def may_amendment_withdraw(user, request: AmendmentRequest) -> Refusal | None:
    """The body withdraws before a decision."""
    return (refuse_other_body(user, request.award.application.municipality_id) or refuse_closed(request.award)
            or refuse_status(request, AmendmentRequest.OPEN_STATUSES, _("Das Zurückziehen")))


def may_amendment_send_back(user, request: AmendmentRequest) -> Refusal | None:
    return (refuse_capability(user, Capability.REVIEW) or refuse_closed(request.award)
            or refuse_status(request, (S.SUBMITTED,), _("Eine Rückfrage")))


def may_amendment_recommend(user, request: AmendmentRequest) -> Refusal | None:
    return (refuse_capability(user, Capability.REVIEW) or refuse_closed(request.award)
            or refuse_status(request, (S.SUBMITTED,), _("Die Empfehlung")))


def may_amendment_approve(user, request: AmendmentRequest) -> Refusal | None:
    """By someone other than the recommender, with the right to issue the Änderungsbescheid, once
    the award's Zuwendungsbescheid is issued."""
    if refusal := (refuse_capability(user, Capability.DECIDE) or refuse_capability(user, Capability.ISSUE_NOTICE)
                   or refuse_closed(request.award)
                   or refuse_status(request, (S.RECOMMENDED,), _("Die Bewilligung"))
                   or refuse_same_person(request.recommended_by_id, user, str(FOUR_EYES))):
        return refusal
    known = getattr(request.award, "has_award_notice", None)  # grants.selectors.awards.mark_award_notices
    if known is False or (known is None and award_notice_of(request.award) is None):
        return Refusal(_("Für diese Zuwendung ist noch kein Zuwendungsbescheid erlassen. Bitte zuerst den "
                         "Zuwendungsbescheid erlassen; erst dann kann ein Änderungsbescheid ergehen."),
                       DomainError, shown=True)
    return None


def may_amendment_reject(user, request: AmendmentRequest) -> Refusal | None:
    return (refuse_capability(user, Capability.DECIDE) or refuse_closed(request.award)
            or refuse_status(request, (S.SUBMITTED, S.RECOMMENDED), _("Die Ablehnung"))
            or refuse_same_person(request.recommended_by_id, user, str(FOUR_EYES)))
