"""Rückforderungen: the clerk proposes one from the check of a submitted proof of use; a second
person with signing authority fixes it (issuing the Rückforderungsbescheid) or discards it;
repayments are booked until it is settled."""

from django.utils.translation import gettext as _

from accounts.roles import Capability
from core.errors import DomainError, InvalidTransition
from grants.models import Reclaim, UsageReport
from grants.policies.base import Refusal, refuse_capability, refuse_closed, refuse_same_person, refuse_status
from grants.selectors.awards import award_notice_of

RS = Reclaim.Status
_UNSET = object()


def may_reclaim_propose(user, report: UsageReport) -> Refusal | None:
    """Close the check of a submitted proof of use with a reclaim proposal."""
    return (refuse_capability(user, Capability.REVIEW) or refuse_closed(report.award)
            or refuse_status(report, (UsageReport.Status.SUBMITTED,), _("Die Annahme mit Rückforderung")))


def _four_eyes(reclaim: Reclaim, user, action: str) -> Refusal | None:
    # Translators: %(action)s is e.g. "festsetzen" or "verwerfen".
    return refuse_same_person(reclaim.proposed_by_id, user, _(
        "Vier-Augen-Prinzip: Sie haben diese Rückforderung vorgeschlagen und dürfen sie nicht selbst "
        "%(action)s.") % {"action": action})


def may_reclaim_issue(user, reclaim: Reclaim, *, award_notice=_UNSET) -> Refusal | None:
    """Festsetzen, by someone other than the proposer, once the award's Zuwendungsbescheid is issued.
    `award_notice` is that notice (or None: there is none) where the caller has looked it up already."""
    if refusal := refuse_capability(user, Capability.ISSUE_NOTICE) or refuse_closed(reclaim.award):
        return refusal
    if reclaim.status in (RS.ISSUED, RS.SETTLED):
        return Refusal(_("Diese Rückforderung ist bereits festgesetzt."), InvalidTransition)
    if refusal := (refuse_status(reclaim, (RS.PROPOSED,), _("Die Festsetzung"))
                   or _four_eyes(reclaim, user, _("festsetzen"))):
        return refusal
    if award_notice is _UNSET:
        award_notice = award_notice_of(reclaim.award)
    if award_notice is None:
        return Refusal(_("Für diese Zuwendung ist noch kein Zuwendungsbescheid erlassen; ein "
                         "Rückforderungsbescheid kann erst danach ergehen."), DomainError, shown=True)
    return None


def may_reclaim_discard(user, reclaim: Reclaim) -> Refusal | None:
    return (refuse_capability(user, Capability.ISSUE_NOTICE) or refuse_closed(reclaim.award)
            or refuse_status(reclaim, (RS.PROPOSED,), _("Das Verwerfen"))
            or _four_eyes(reclaim, user, _("verwerfen")))


def may_reclaim_book_repayment(user, reclaim: Reclaim) -> Refusal | None:
    if refusal := refuse_capability(user, Capability.PREPARE_PAYMENT) or refuse_closed(reclaim.award):
        return refusal
    if reclaim.status == RS.SETTLED:
        return Refusal(_("Diese Rückforderung ist bereits vollständig bezahlt."), InvalidTransition)
    return refuse_status(reclaim, (RS.ISSUED,), _("Eine Rückzahlung zu buchen"))
