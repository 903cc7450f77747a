"""Rückforderungen: the clerk proposes one from the check of a submitted proof of use; a second
person with signing authority fixes it (issuing the Rückforderungsbescheid) or discards it;
repayments are booked until it is settled."""

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Capability
from core import clock
from core.errors import DomainError, InvalidTransition
from core.formats import format_date
from grants.models import Reclaim, ReclaimHearing, UsageReport
from grants.policies.base import (
    Refusal,
    refuse_capability,
    refuse_closed,
    refuse_other_body,
    refuse_same_person,
    refuse_status,
)
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


def may_reclaim_issue(user, reclaim: Reclaim, *, award_notice=_UNSET, day: date | None = None) -> Refusal | None:
    """Festsetzen, by someone other than the proposer, once the award's Zuwendungsbescheid is issued,
    after the hearing and within the one-year deadline, judged on `day` (the notice date; default
    today). `award_notice` is that notice (or None: there is none) where the caller has looked it
    up already."""
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
    day = day or clock.today()
    return refuse_revocation_deadline(reclaim, day) or refuse_unheard(reclaim, day)


def hearing_of(reclaim: Reclaim) -> ReclaimHearing | None:
    try:
        return reclaim.hearing
    except ReclaimHearing.DoesNotExist:
        return None


def refuse_revocation_deadline(reclaim: Reclaim, day: date) -> Refusal | None:
    """§ 49 Abs. 3 Satz 2 i. V. m. § 48 Abs. 4 HVwVfG: the revocation only within one year from
    the day the authority knew the facts."""
    deadline = reclaim.revocation_deadline
    if deadline is not None and day > deadline:
        return Refusal(_("Die Jahresfrist nach § 48 Abs. 4 HVwVfG (Kenntnis der Tatsachen am %(known)s) ist am "
                         "%(date)s abgelaufen; der Teilwiderruf kann nicht mehr ergehen.")
                       % {"known": format_date(reclaim.facts_known_on), "date": format_date(deadline)},
                       DomainError, shown=True)
    return None


def refuse_unheard(reclaim: Reclaim, day: date) -> Refusal | None:
    """§ 28 Abs. 1 HVwVfG: the body is heard first; the notice waits for its answer or the end
    of the reply deadline. (The product always hears; it records no ground of § 28 Abs. 2.)"""
    hearing = hearing_of(reclaim)
    if hearing is None:
        return Refusal(_("Vor dem Rückforderungsbescheid ist die Zuwendungsempfängerin nach § 28 HVwVfG anzuhören: "
                         "Bitte zuerst das Anhörungsschreiben versenden."), DomainError, shown=True)
    answered_on = timezone.localdate(hearing.answered_at) if hearing.answered_at else None
    if (answered_on is None or answered_on > day) and day <= hearing.reply_due:
        return Refusal(_("Die Frist zur Äußerung aus der Anhörung vom %(letter)s läuft bis %(due)s und es liegt noch "
                         "keine Stellungnahme vor; der Rückforderungsbescheid kann erst danach ergehen.")
                       % {"letter": format_date(hearing.letter_date), "due": format_date(hearing.reply_due)},
                       DomainError, shown=True)
    return None


def may_reclaim_hearing_send(user, reclaim: Reclaim) -> Refusal | None:
    """Ministry staff send the Anhörungsschreiben for a proposed reclaim, once."""
    if refusal := refuse_capability(user, Capability.REVIEW):
        return refusal
    if hearing_of(reclaim) is not None:
        return Refusal(_("Das Anhörungsschreiben ist bereits versandt."), InvalidTransition)
    return (refuse_status(reclaim, (RS.PROPOSED,), _("Die Anhörung")) or refuse_closed(reclaim.award)
            or refuse_revocation_deadline(reclaim, clock.today()))


def may_reclaim_hearing_answer(user, reclaim: Reclaim) -> Refusal | None:
    """The coordinator of the reclaim's body answers the hearing, once, while the reclaim is
    undecided (before or after the reply deadline)."""
    if refusal := refuse_other_body(user, reclaim.award.application.municipality_id):
        return refusal
    hearing = hearing_of(reclaim)
    if hearing is None:
        return Refusal(_("Zu dieser Rückforderung gibt es keine Anhörung."), InvalidTransition)
    if hearing.answered_at is not None:
        return Refusal(_("Die Stellungnahme ist bereits am %(date)s eingegangen; sie kann nicht geändert werden.")
                       % {"date": format_date(hearing.answered_at)}, InvalidTransition)
    if reclaim.status != RS.PROPOSED:
        return Refusal(_("Über die Rückforderung ist bereits entschieden; eine Stellungnahme ist nicht mehr "
                         "möglich."), InvalidTransition)
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
