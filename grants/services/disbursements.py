"""Mittelabruf and Auszahlung: request → prepare → release (four-eyes) → book. Who may do what is
decided in grants/policies/payments.py; what may be called now in grants/selectors/payments.py."""

from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Capability
from audit.services import audit_log
from core import clock
from core.errors import (
    BudgetExceeded,
    FieldErrors,
)
from core.formats import format_date
from core.money import ZERO, format_eur, to_money
from grants.handovers import handover
from grants.models import Award, AwardYear, Disbursement
from grants.policies import (
    check,
    may_disbursement_book,
    may_disbursement_cancel,
    may_disbursement_prepare,
    may_disbursement_reject,
    may_disbursement_release,
    may_disbursement_request,
    refuse_capability,
)
from grants.policies.base import refuse_other_body
from grants.selectors.payments import callable_now
from inbox.models import Event

D = Disbursement.Status

# What `str(disbursement)` reads for the audit entry's object_repr ("Mittelabruf 7 (Zuwendung
# WIR-26-0001 – Werra-Meißner-Kreis 2026)"); loaded with the disbursement instead of row by row.
_REPR_RELATED = ("award_year__budget", "award_year__award__application__municipality")


def _handover(disbursement: Disbursement, event: str, user, detail: str = "") -> None:
    """Tell the next role of this step of the payment request (grants/handovers.py)."""
    award_year = disbursement.award_year
    handover(event, application=award_year.award.application, actor=user, key=f"disbursement:{disbursement.pk}:{event}",
             amount=format_eur(disbursement.amount), year=award_year.budget.year, detail=detail)


def _transition(disbursement: Disbursement, user, to: str, fields: list[str], action: str, **data) -> None:
    before = disbursement.status
    disbursement.status = to
    disbursement.save(update_fields=["status", *fields])
    audit_log(actor=user, action=action, target=disbursement, changes={"status": [before, to]}, data=data)


def disbursement_request(*, award: Award, year: int, amount: Decimal, user, stated_need: str = "") -> Disbursement:
    """The coordinator calls funds of one budget year, at most what remains of that year's award
    and only as far as they are needed soon after payment (`callable_now`).

    The award year's row is locked while the requested sum is checked, so concurrent
    requests can never together exceed the awarded amount.
    """
    check(refuse_other_body(user, award.application.municipality_id))
    try:
        amount = to_money(amount)
    except (TypeError, ValueError):
        raise FieldErrors({"amount": [_("Bitte einen gültigen Betrag angeben.")]}) from None
    if amount <= 0:
        raise FieldErrors({"amount": [_("Der Betrag muss größer als 0,00 € sein.")]})
    with transaction.atomic():
        # Locks only the award year (not the joined budget row, which approvals lock); the budget is
        # loaded for the audit entry's label.
        award_year = (AwardYear.objects.select_for_update(of=("self",)).select_related("budget")
                      .filter(award=award, budget__year=year).first())
        if award_year is None:
            raise FieldErrors({"year": [_("Für %(year)s ist keine Zuwendung bewilligt.") % {"year": year}]})
        # Read after the lock, so the status is current; with what the audit entry's repr needs.
        award_year.award = Award.objects.select_related("application__municipality", "application__programme").get(
            pk=award.pk)
        check(may_disbursement_request(user, award_year.award))
        reserved = award_year.disbursements.filter(status__in=Disbursement.ACTIVE_STATUSES).aggregate(
            total=Sum("amount"))["total"] or ZERO
        remaining = award_year.amount - reserved
        if amount > remaining:
            raise BudgetExceeded(
                _("Für %(year)s sind %(awarded)s bewilligt, davon sind bereits %(reserved)s abgerufen; "
                  "höchstens %(remaining)s können noch abgerufen werden.")
                % {"year": year, "awarded": format_eur(award_year.amount), "reserved": format_eur(reserved),
                   "remaining": format_eur(remaining)}
            )
        allowed, explanation = callable_now(award_year=award_year, today=clock.today(), called=reserved,
                                            months=award_year.award.application.programme.funds_use_months)
        if amount > allowed:
            raise FieldErrors({"amount": [explanation]})
        disbursement = Disbursement.objects.create(award_year=award_year, amount=amount, requested_by=user,
                                                   stated_need=stated_need.strip())
        audit_log(actor=user, action="grants.disbursement.requested", target=disbursement,
                  changes={"status": [None, disbursement.status]}, data={"year": year, "amount": str(amount)})
        _handover(disbursement, Event.CALL_MADE, user, detail=disbursement.stated_need)
    return disbursement


def _locked(disbursement: Disbursement) -> Disbursement:
    """Lock the disbursement row only; the joined rows are read for the audit entry's repr."""
    return (Disbursement.objects.select_for_update(of=("self",)).select_related(*_REPR_RELATED)
            .get(pk=disbursement.pk))


def disbursement_prepare(*, disbursement: Disbursement, user, now: datetime | None = None) -> Disbursement:
    """The clerk has checked the request and prepares the payment."""
    check(refuse_capability(user, Capability.PREPARE_PAYMENT))
    with transaction.atomic():
        disbursement = _locked(disbursement)
        check(may_disbursement_prepare(user, disbursement))
        disbursement.prepared_by, disbursement.prepared_at = user, now or clock.now()
        _transition(disbursement, user, D.PREPARED, ["prepared_by", "prepared_at"],
                    "grants.disbursement.prepared")
        _handover(disbursement, Event.CALL_PREPARED, user)
    return disbursement


def disbursement_release(*, disbursement: Disbursement, user, now: datetime | None = None) -> Disbursement:
    """A second person with signing authority releases the prepared payment (four-eyes).

    The row lock makes a repeated or concurrent release of the same request fail: it is
    released, and so paid, once.
    """
    check(refuse_capability(user, Capability.RELEASE_PAYMENT))
    with transaction.atomic():
        disbursement = _locked(disbursement)
        check(may_disbursement_release(user, disbursement))
        disbursement.released_by, disbursement.released_at = user, now or clock.now()
        _transition(disbursement, user, D.RELEASED, ["released_by", "released_at"], "grants.disbursement.released")
        _handover(disbursement, Event.CALL_RELEASED, user)
    return disbursement


def check_booking_input(*, paid_on: date | None, payment_reference: str) -> None:
    """The booking's own input (not the payment's state): also checked once before booking several."""
    errors = {}
    if not payment_reference.strip():
        errors["payment_reference"] = [_("Bitte das Buchungszeichen angeben.")]
    if paid_on is None:
        errors["paid_on"] = [_("Bitte das Auszahlungsdatum angeben.")]
    elif paid_on > clock.today():
        errors["paid_on"] = [_("Das Auszahlungsdatum darf nicht in der Zukunft liegen.")]
    if errors:
        raise FieldErrors(errors)


def disbursement_book(*, disbursement: Disbursement, user, paid_on: date, payment_reference: str) -> Disbursement:
    """Record that the released payment left the treasury."""
    check(refuse_capability(user, Capability.PREPARE_PAYMENT))
    check_booking_input(paid_on=paid_on, payment_reference=payment_reference)
    with transaction.atomic():
        disbursement = _locked(disbursement)
        check(may_disbursement_book(user, disbursement))
        if paid_on < timezone.localdate(disbursement.released_at):
            raise FieldErrors({"paid_on": [_("Das Auszahlungsdatum liegt vor der Freigabe.")]})
        disbursement.paid_on, disbursement.payment_reference, disbursement.booked_by = (
            paid_on, payment_reference.strip(), user)
        _transition(disbursement, user, D.PAID, ["paid_on", "payment_reference", "booked_by"],
                    "grants.disbursement.paid", paid_on=paid_on, payment_reference=disbursement.payment_reference)
        _handover(disbursement, Event.CALL_PAID, user,
                  detail=_("Überwiesen am %(day)s, Buchungszeichen %(reference)s.") % {
                      "day": format_date(paid_on), "reference": disbursement.payment_reference})
    return disbursement


def disbursement_reject(*, disbursement: Disbursement, user, reason: str) -> Disbursement:
    """The ministry refuses a request before release; its amount is free again."""
    check(refuse_capability(user, Capability.PREPARE_PAYMENT))
    if not reason.strip():
        raise FieldErrors({"reason": [_("Bitte begründen Sie die Ablehnung.")]})
    with transaction.atomic():
        disbursement = _locked(disbursement)
        check(may_disbursement_reject(user, disbursement))
        disbursement.rejection_reason = reason.strip()
        _transition(disbursement, user, D.REJECTED, ["rejection_reason"], "grants.disbursement.rejected",
                    reason=disbursement.rejection_reason)
        _handover(disbursement, Event.CALL_REJECTED, user, detail=disbursement.rejection_reason)
    return disbursement


def disbursement_cancel(*, disbursement: Disbursement, user) -> Disbursement:
    """The coordinator withdraws a request that has not been prepared yet."""
    check(refuse_other_body(user, disbursement.award_year.award.application.municipality_id))
    with transaction.atomic():
        disbursement = _locked(disbursement)
        check(may_disbursement_cancel(user, disbursement))
        _transition(disbursement, user, D.CANCELLED, [], "grants.disbursement.cancelled")
    return disbursement
