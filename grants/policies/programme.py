"""The programme administration's tables and the deadlines a body subscribes to."""

from django.utils.translation import gettext as _

from accounts.roles import Capability
from core.errors import NotPermitted
from grants.policies.base import CAPABILITY_REFUSALS, Refusal, refuse_capability


def may_budget_set(user) -> Refusal | None:
    return refuse_capability(user, Capability.MANAGE_PROGRAMME)


def may_base_rate_set(user) -> Refusal | None:
    return refuse_capability(user, Capability.MANAGE_PROGRAMME)


def may_deadlines_view(user) -> Refusal | None:
    """The deadlines: a body's coordinator (its own) and the ministry (every body's)."""
    if user.can(Capability.VIEW_ALL) or (user.can(Capability.APPLY) and user.municipality_id):
        return None
    return Refusal(_("Die Fristen sehen nur die Koordination einer Gebietskörperschaft und das Ministerium."),
                   NotPermitted)


def may_calendar_subscribe(user) -> Refusal | None:
    """The secret calendar address of a body's deadlines: its coordinators."""
    if user is not None and user.can(Capability.APPLY) and user.municipality_id:
        return None
    return Refusal(str(CAPABILITY_REFUSALS[Capability.APPLY]), NotPermitted)
