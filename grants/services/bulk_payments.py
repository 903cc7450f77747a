"""Several payments at once: prepare, release or book a selection from the payments queue.

Each payment goes through its own service (grants/services/disbursements.py) in its own
transaction, with every rule of the single action – status, four eyes, notice, bank details.
The selection is **not all-or-nothing**: the payments are independent of each other, and one
that a colleague booked a minute ago must not hold back the nineteen others. A refused payment
is reported with its German reason and stays as it was; the others go through. The
confirmation page says so before the person confirms.

The payments are processed in the order of their ids, each locked only while it is changed, so
two people working on overlapping selections at the same time never deadlock: the second finds
a payment already done and is refused it.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from accounts.roles import Capability
from core.errors import DomainError
from core.money import ZERO
from grants.models import Disbursement
from grants.policies import (
    check,
    may_disbursement_book,
    may_disbursement_prepare,
    may_disbursement_release,
    refuse_capability,
)
from grants.services.disbursements import (
    check_booking_input,
    disbursement_book,
    disbursement_prepare,
    disbursement_release,
)

D = Disbursement.Status

#: At most this many payments in one go (a page of the queue holds 25).
MAX_SELECTION = 100


@dataclass(frozen=True)
class BulkAction:
    """One action on several payments: the queue tab it is offered on, who may take it, the
    policy a confirmation page asks per row, and the single service that does it."""

    key: str
    status: str
    capability: str
    policy: Callable
    run: Callable[..., Disbursement]
    reauthenticate: bool
    title: object  # lazy German strings
    button: object
    done: object


BULK_ACTIONS = {
    action.key: action for action in (
        BulkAction("vorbereiten", D.REQUESTED, Capability.PREPARE_PAYMENT, may_disbursement_prepare,
                   lambda disbursement, user: disbursement_prepare(disbursement=disbursement, user=user),
                   False, _("Mittelabrufe vorbereiten"), _("Vorbereiten"), _("vorbereitet")),
        BulkAction("freigeben", D.PREPARED, Capability.RELEASE_PAYMENT, may_disbursement_release,
                   lambda disbursement, user: disbursement_release(disbursement=disbursement, user=user),
                   True, _("Auszahlungen freigeben"), _("Freigeben"), _("freigegeben")),
        BulkAction("buchen", D.RELEASED, Capability.PREPARE_PAYMENT, may_disbursement_book,
                   lambda disbursement, user, paid_on, payment_reference: disbursement_book(
                       disbursement=disbursement, user=user, paid_on=paid_on, payment_reference=payment_reference),
                   False, _("Zahlungen buchen"), _("Buchen"), _("gebucht")),
    )
}


def bulk_action_for(user, status: str) -> BulkAction | None:
    """The action a queue tab offers for several payments, if the person may take it."""
    return next((action for action in BULK_ACTIONS.values()
                 if action.status == status and user.can(action.capability)), None)


@dataclass(frozen=True)
class BulkOutcome:
    disbursement: Disbursement
    refusal: str | None = None  # the German reason; None: done

    @property
    def done(self) -> bool:
        return self.refusal is None


def bulk_total(outcomes: Iterable[BulkOutcome]) -> Decimal:
    return sum((outcome.disbursement.amount for outcome in outcomes if outcome.done), ZERO)


def disbursements_bulk(*, action: BulkAction, disbursements: Iterable[Disbursement], user,
                       **data) -> list[BulkOutcome]:
    """Run `action` on each payment through its single service; a refusal is the outcome of that
    payment only. For booking, `data` is `paid_on` and `payment_reference`, checked once first:
    a wrong date is the person's input, not a reason to refuse each payment."""
    check(refuse_capability(user, action.capability))
    if action.key == "buchen":
        check_booking_input(paid_on=data.get("paid_on"), payment_reference=data.get("payment_reference", ""))
    outcomes = []
    for disbursement in sorted(disbursements, key=lambda d: d.pk):
        try:
            done = action.run(disbursement, user, **data)
        except DomainError as error:
            outcomes.append(BulkOutcome(disbursement, error.message))
        else:
            outcomes.append(BulkOutcome(done))
    return outcomes
