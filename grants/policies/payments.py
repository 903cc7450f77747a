"""Mittelabruf and Auszahlung: the coordinator calls funds of the own running award; the ministry
prepares, a second person with signing authority releases, then the payment is booked – or
the request is rejected; the coordinator may withdraw a request nobody has touched yet."""

from django.utils.translation import gettext as _

from accounts.roles import Capability
from core.errors import BudgetExceeded, DomainError, InvalidTransition, NotPermitted
from grants.models import Award, Disbursement
from grants.policies.base import (
    CAPABILITY_REFUSALS,
    Refusal,
    refuse_capability,
    refuse_closed,
    refuse_other_body,
    refuse_same_person,
    refuse_status,
)

D = Disbursement.Status


def may_payments_view(user) -> Refusal | None:
    """The payment queue: Sachbearbeitung or Bewilligung."""
    if user.can(Capability.PREPARE_PAYMENT) or user.can(Capability.RELEASE_PAYMENT):
        return None
    return Refusal(str(CAPABILITY_REFUSALS[Capability.PREPARE_PAYMENT]), NotPermitted)


def may_disbursement_request(user, award: Award, *, year_rows: list[dict] | None = None) -> Refusal | None:
    """The own body's coordinator calls funds of a running award. With the award's `year_rows`
    (`grants.selectors.awards.award_year_figures`) also: something is left to call."""
    refusal = refuse_other_body(user, award.application.municipality_id) or refuse_closed(award)
    if refusal is None and year_rows is not None and not any(row["remaining"] > 0 for row in year_rows):
        refusal = Refusal(_("Die bewilligten Mittel sind vollständig abgerufen."), BudgetExceeded)
    return refusal


def may_disbursement_cancel(user, disbursement: Disbursement) -> Refusal | None:
    """The coordinator withdraws a request that has not been prepared yet."""
    if refusal := (refuse_other_body(user, disbursement.award_year.award.application.municipality_id)
                   or refuse_closed(disbursement.award_year.award)):
        return refusal
    if disbursement.status != D.REQUESTED:
        return Refusal(_("Nur ein noch nicht bearbeiteter Mittelabruf kann zurückgezogen werden."), DomainError)
    return None


def refuse_missing_bank_details(bodies) -> Refusal | None:
    """A payment order needs the payee's valid bank details (account holder, IBAN with a valid
    checksum, BIC): without them the treasury cannot pay, or pays to a wrong account."""
    problems = [_("%(body)s: %(problems)s") % {"body": body.payee, "problems": ", ".join(missing)}
                for body in bodies if (missing := body.bank_details_missing)]
    if not problems:
        return None
    return Refusal(_("Für die Zahlungsanordnung fehlt eine gültige Bankverbindung des Zahlungsempfängers – "
                     "%(problems)s. Bitte die Bankverbindung der Kasse in der Verwaltung unter "
                     "„Gebietskörperschaften“ eintragen.") % {"problems": "; ".join(problems)},
                   DomainError, shown=True)


def may_disbursement_prepare(user, disbursement: Disbursement) -> Refusal | None:
    return (refuse_capability(user, Capability.PREPARE_PAYMENT) or refuse_closed(disbursement.award_year.award)
            or refuse_status(disbursement, (D.REQUESTED,), _("Die Vorbereitung"))
            or refuse_missing_bank_details([disbursement.award_year.award.application.municipality]))


def may_disbursement_release(user, disbursement: Disbursement) -> Refusal | None:
    """A second person with signing authority releases the prepared payment (four eyes)."""
    if refusal := (refuse_capability(user, Capability.RELEASE_PAYMENT)
                   or refuse_closed(disbursement.award_year.award)):
        return refusal
    if disbursement.status in (D.RELEASED, D.PAID):
        return Refusal(_("Diese Auszahlung ist bereits freigegeben."), InvalidTransition)
    return (refuse_status(disbursement, (D.PREPARED,), _("Die Freigabe"))
            or refuse_same_person(disbursement.prepared_by_id, user, _(
                "Vier-Augen-Prinzip: Sie haben diese Auszahlung vorbereitet und dürfen sie nicht selbst freigeben.")))


def may_disbursement_book(user, disbursement: Disbursement) -> Refusal | None:
    return (refuse_capability(user, Capability.PREPARE_PAYMENT) or refuse_closed(disbursement.award_year.award)
            or refuse_status(disbursement, (D.RELEASED,), _("Die Buchung")))


def may_disbursement_reject(user, disbursement: Disbursement) -> Refusal | None:
    """The ministry refuses a request before release."""
    return (refuse_capability(user, Capability.PREPARE_PAYMENT) or refuse_closed(disbursement.award_year.award)
            or refuse_status(disbursement, (D.REQUESTED, D.PREPARED), _("Die Ablehnung")))


def may_payment_orders_export(user) -> Refusal | None:
    return refuse_capability(user, Capability.PREPARE_PAYMENT)
