"""Mittelabruf and Auszahlung: the coordinator calls funds of the own running award; the ministry
prepares, a second person with signing authority releases, then the payment is booked – or
the request is rejected; the coordinator may withdraw a request nobody has touched yet."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.roles import Capability
from core import clock
from core.errors import BudgetExceeded, DomainError, InvalidTransition, NotPermitted
from core.formats import format_date
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
from grants.selectors.awards import award_notice_of
from grants.selectors.finality import notice_finality

D = Disbursement.Status


def may_payments_view(user) -> Refusal | None:
    """The payment queue: Sachbearbeitung or Bewilligung."""
    if user.can(Capability.PREPARE_PAYMENT) or user.can(Capability.RELEASE_PAYMENT):
        return None
    return Refusal(str(CAPABILITY_REFUSALS[Capability.PREPARE_PAYMENT]), NotPermitted)


@dataclass(frozen=True)
class NoNoticeRefusal(Refusal):
    """Money waits for the notice: the page says why and links to the notices."""

    link: str = ""
    link_label: str = ""


def refuse_before_notice(award: Award, *, today=None) -> Refusal | None:
    """No money before the notice: a payment is called, prepared and released only once the
    award's Zuwendungsbescheid is issued – the notice is the legal ground of the payment
    (§ 44 LHO with VV Nr. 7; a payment without it would be made without legal ground and
    would have to be reclaimed under § 49a Abs. 1 HVwVfG analogously / § 812 BGB).

    Where the programme period says so (`first_payment_awaits_finality`), the first payment
    also waits until the notice is final (bestandskräftig): one month after its Bekanntgabe
    (§ 74 Abs. 1 VwGO) or earlier on a Rechtsbehelfsverzicht."""
    def link() -> str:  # only for a refusal: the queue asks every row, and most rows may go on
        return reverse("grants:application_detail", args=[award.application_id]) + "#bescheide"

    known = getattr(award, "has_award_notice", None)  # grants.selectors.awards.mark_award_notices
    if known and not award.application.programme.first_payment_awaits_finality:
        return None
    notice = None if known is False else award_notice_of(award)
    if notice is None:
        return NoNoticeRefusal(
            _("Vor dem Zuwendungsbescheid wird nichts ausgezahlt: Für diese Zuwendung ist noch kein "
              "Zuwendungsbescheid erlassen. Mittel können erst abgerufen, vorbereitet und freigegeben werden, "
              "wenn der Bescheid erlassen ist."), DomainError, shown=True,
            link=link(), link_label=_("Zu den Bescheiden"))
    if not award.application.programme.first_payment_awaits_finality:
        return None
    if Disbursement.objects.filter(award_year__award=award, status__in=(D.RELEASED, D.PAID)).exists():
        return None
    finality = notice_finality(notice)
    if finality.final_on is None:
        return NoNoticeRefusal(
            _("In dieser Förderperiode wird erst ausgezahlt, wenn der Zuwendungsbescheid %(number)s "
              "bestandskräftig ist. Seine Bekanntgabe ist noch nicht erfasst.") % {"number": notice.number},
            DomainError, shown=True, link=link(), link_label=_("Zu den Bescheiden"))
    if not finality.is_final(today or clock.today()):
        return NoNoticeRefusal(
            _("In dieser Förderperiode wird erst ausgezahlt, wenn der Zuwendungsbescheid %(number)s "
              "bestandskräftig ist: bekannt gegeben am %(notified)s, bestandskräftig ab %(final)s "
              "(früher nur bei einem Rechtsbehelfsverzicht).")
            % {"number": notice.number, "notified": format_date(finality.notified_on),
               "final": format_date(finality.final_on)},
            DomainError, shown=True, link=link(), link_label=_("Zu den Bescheiden"))
    return None


def may_disbursement_request(user, award: Award, *, year_rows: list[dict] | None = None) -> Refusal | None:
    """The own body's coordinator calls funds of a running award whose Zuwendungsbescheid is
    issued (`refuse_before_notice`). With the award's `year_rows`
    (`grants.selectors.awards.award_year_figures`) also: something is left to call."""
    refusal = (refuse_other_body(user, award.application.municipality_id) or refuse_closed(award)
               or refuse_before_notice(award))
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
    """Also a request from before the notice (legacy data) is not prepared until the notice exists."""
    return (refuse_capability(user, Capability.PREPARE_PAYMENT) or refuse_closed(disbursement.award_year.award)
            or refuse_status(disbursement, (D.REQUESTED,), _("Die Vorbereitung"))
            or refuse_before_notice(disbursement.award_year.award)
            or refuse_missing_bank_details([disbursement.award_year.award.application.municipality]))


def may_disbursement_release(user, disbursement: Disbursement) -> Refusal | None:
    """A second person with signing authority releases the prepared payment (four eyes)."""
    if refusal := (refuse_capability(user, Capability.RELEASE_PAYMENT)
                   or refuse_closed(disbursement.award_year.award)):
        return refusal
    if disbursement.status in (D.RELEASED, D.PAID):
        return Refusal(_("Diese Auszahlung ist bereits freigegeben."), InvalidTransition)
    return (refuse_status(disbursement, (D.PREPARED,), _("Die Freigabe"))
            or refuse_before_notice(disbursement.award_year.award)
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
