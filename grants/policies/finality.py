"""Who records a notice's notification (Bekanntgabe) and a waiver of remedies
(Rechtsbehelfsverzicht); the services are grants/services/notice_deliveries.py."""

from django.utils.translation import gettext as _

from accounts.roles import Capability
from core.errors import DomainError
from grants.models import Notice, RemedyWaiver
from grants.policies.base import Refusal, refuse_capability, refuse_closed, refuse_other_body
from grants.selectors.finality import current_delivery


def may_delivery_record(user, notice: Notice | None = None) -> Refusal | None:
    """Ministry staff record how a notice was notified – not for a notice of a closed award,
    which is read-only like everything else of it."""
    return (refuse_capability(user, Capability.REVIEW) or refuse_capability(user, Capability.VIEW_ALL)
            or (refuse_closed(notice.award) if notice is not None and notice.award is not None else None))


def may_waiver_record(user, notice: Notice) -> Refusal | None:
    """The body's coordinator (for the own body) or ministry staff record a waiver, once the
    notice has been notified and while none is recorded."""
    if user.can(Capability.APPLY):
        refusal = refuse_other_body(user, notice.application.municipality_id)
    else:
        refusal = may_delivery_record(user)
    if refusal is None and notice.award is not None:
        refusal = refuse_closed(notice.award)
    if refusal is not None:
        return refusal
    if RemedyWaiver.objects.filter(notice=notice).exists():
        return Refusal(_("Für diesen Bescheid ist bereits ein Rechtsbehelfsverzicht erfasst."), DomainError)
    if current_delivery(notice) is None:
        return Refusal(_("Ein Rechtsbehelfsverzicht ist erst nach der Bekanntgabe des Bescheids möglich; "
                         "die Bekanntgabe ist noch nicht erfasst."), DomainError)
    return None
