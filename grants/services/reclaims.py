"""Rückforderung: paid money of one budget year that was not used (or not used for eligible
expenditure) is reclaimed with interest under § 49a HVwVfG.

Vorgeschlagen → Festgesetzt (Rückforderungsbescheid erlassen) → Erledigt | Verworfen.

- The clerk closes the check of a submitted proof of use with a reclaim proposal
  (`reclaim_propose`): the report is accepted and the reclaim proposed in one transaction.
- A second person with signing authority issues the Rückforderungsbescheid
  (`reclaim_issue`, four-eyes) or discards the proposal (`reclaim_discard`).
- Repayments are booked (`reclaim_book_repayment`) until principal and interest are paid.

The Basiszinssatz table is data (`base_rate_set`); the interest arithmetic is in
grants/interest.py, the figures in grants/selectors/reclaims.py, who may do what in
grants/policies/reclaims.py.
"""

from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Capability
from audit.services import audit_log
from core import clock
from core.errors import FieldErrors
from core.formats import format_date
from core.money import CENT, ZERO, amount_errors, format_eur
from grants.handovers import handover
from grants.models import (
    Award,
    AwardYear,
    BaseRate,
    Notice,
    Reclaim,
    ReclaimRepayment,
    UsageReport,
)
from grants.models.reclaims import one_year_after
from grants.notifications import notify_applicant
from grants.policies import (
    check,
    may_base_rate_set,
    may_reclaim_book_repayment,
    may_reclaim_discard,
    may_reclaim_issue,
    may_reclaim_propose,
    refuse_capability,
)
from grants.selectors.awards import award_notice_of
from grants.selectors.reclaims import (
    base_rate_missing_for,
    base_rate_used_by_issued_notice,
    due_date,
    paid_in_year,
    payment_dates,
    reclaim_balance,
    reclaimed_in_year,
)
from grants.services.notices import notice_issue
from inbox.models import Event

RS = Reclaim.Status
_RELATED = ("award__application__municipality", "award__application__programme__issuing_authority",
            "award_year__budget", "usage_report", "proposed_by", "decided_by", "notice")


# -- proposal ----------------------------------------------------------------------------------


def reclaim_propose(*, report: UsageReport, user, award_year: AwardYear, ground: str, principal: Decimal,
                    reason: str, interest_from: date, interest_waived: bool = False, note: str = "",
                    facts_known_on: date | None = None, now: datetime | None = None) -> Reclaim:
    """Close the check of a submitted proof of use with a reclaim proposal: the report is
    accepted and a reclaim of `principal` for the award year is proposed, in one transaction.

    At most what was paid in the year less the principal already proposed or fixed for it can
    be reclaimed; for an interim proof only its own year. Interest runs from a day between the
    first payment of the year and today.

    `facts_known_on` is the day the authority knew the facts that justify the revocation; the
    one-year deadline of § 48 Abs. 4 HVwVfG (via § 49 Abs. 3 Satz 2) runs from it. Default: the
    day of the proposal, when the check of the proof of use revealed them."""
    check(refuse_capability(user, Capability.REVIEW))
    now = now or clock.now()
    today = clock.today()
    facts_known_on = facts_known_on or timezone.localdate(now)
    reason = (reason or "").strip()
    errors: dict[str, list[str]] = {}
    if ground not in Reclaim.Ground.values:
        errors["ground"] = [_("Bitte einen Grund der Rückforderung auswählen.")]
    if problems := amount_errors(principal, positive=True, required=_("Bitte den Erstattungsbetrag angeben.")):
        errors["principal"] = problems
    if not reason:
        errors["reason"] = [_("Bitte begründen Sie die Rückforderung; die Begründung steht im Bescheid.")]
    if interest_from is None:
        errors["interest_from"] = [_("Bitte angeben, ab wann die Erstattung zu verzinsen ist.")]
    elif interest_from > today:
        errors["interest_from"] = [_("Der Zinsbeginn darf nicht in der Zukunft liegen.")]
    elif (problem := base_rate_missing_for(interest_from)) is not None:
        errors["interest_from"] = [problem]
    if award_year is None:
        errors["award_year"] = [_("Bitte das Haushaltsjahr auswählen.")]
    if facts_known_on > today:
        errors["facts_known_on"] = [_("Der Tag der Kenntnis der Tatsachen darf nicht in der Zukunft liegen.")]
    elif one_year_after(facts_known_on) < today:
        errors["facts_known_on"] = [
            _("Seit der Kenntnis der Tatsachen am %(date)s ist mehr als ein Jahr vergangen; nach § 48 Abs. 4 HVwVfG "
              "kann nicht mehr widerrufen werden.") % {"date": format_date(facts_known_on)}]
    if errors:
        raise FieldErrors(errors)
    with transaction.atomic():
        # Lock order as in usage_report_save: the award, then the report, then the award year.
        award = (Award.objects.select_for_update(of=("self",))
                 .select_related("application__municipality", "application__programme").get(pk=report.award_id))
        report = UsageReport.objects.select_for_update().get(pk=report.pk)
        report.award = award
        check(may_reclaim_propose(user, report))
        year_row = (AwardYear.objects.select_for_update(of=("self",)).select_related("budget")
                    .filter(pk=award_year.pk, award=award).first())
        if year_row is None:
            raise FieldErrors({"award_year": [_("Dieses Haushaltsjahr gehört nicht zu dieser Zuwendung.")]})
        year_row.award = award
        if report.kind == UsageReport.Kind.INTERIM and year_row.year != report.year:
            raise FieldErrors({"award_year": [
                _("Aus dem Zwischennachweis %(year)s kann nur Geld des Haushaltsjahres %(year)s zurückgefordert "
                  "werden.") % {"year": report.year}]})
        paid = paid_in_year(year_row)
        already = reclaimed_in_year(year_row)
        available = paid - already
        if principal > available:
            raise FieldErrors({"principal": [
                _("Für %(year)s sind %(paid)s ausgezahlt, davon werden bereits %(already)s zurückgefordert; "
                  "höchstens %(available)s können zurückgefordert werden.")
                % {"year": year_row.year, "paid": format_eur(paid), "already": format_eur(already),
                   "available": format_eur(max(available, ZERO))}]})
        if facts_known_on < award.period_start:
            raise FieldErrors({"facts_known_on": [
                _("Der Tag der Kenntnis der Tatsachen kann nicht vor Beginn des Bewilligungszeitraums (%(date)s) "
                  "liegen.") % {"date": format_date(award.period_start)}]})
        first_paid, _last = payment_dates(year_row)
        if first_paid is not None and interest_from < first_paid:
            raise FieldErrors({"interest_from": [
                _("Der Zinsbeginn darf nicht vor der ersten Auszahlung des Jahres %(year)s (%(date)s) liegen.")
                % {"year": year_row.year, "date": format_date(first_paid)}]})
        before = report.status
        report.status = UsageReport.Status.ACCEPTED
        report.checked_at, report.checked_by = now, user
        report.check_note = (note or "").strip() or reason
        report.save(update_fields=["status", "checked_at", "checked_by", "check_note"])
        audit_log(actor=user, action="grants.usage_report.accepted", target=report,
                  changes={"status": [before, report.status]}, data={"note": report.check_note, "reclaim": True})
        reclaim = Reclaim.objects.create(
            award=award, award_year=year_row, usage_report=report, ground=ground, principal=principal,
            reason=reason, interest_from=interest_from, interest_waived=bool(interest_waived),
            facts_known_on=facts_known_on, proposed_by=user, proposed_at=now)
        audit_log(actor=user, action="grants.reclaim.proposed", target=reclaim,
                  changes={"status": [None, reclaim.status]},
                  data={"year": year_row.year, "principal": str(principal), "ground": ground,
                        "interest_from": interest_from.isoformat(), "interest_waived": bool(interest_waived),
                        "facts_known_on": facts_known_on.isoformat(), "usage_report": report.pk})
    return reclaim


# -- issue and discard -------------------------------------------------------------------------


def _locked(reclaim: Reclaim) -> Reclaim:
    return Reclaim.objects.select_for_update(of=("self",)).select_related(*_RELATED).get(pk=reclaim.pk)


def reclaim_issue(*, reclaim: Reclaim, user, weighing: str = "", interest_waived: bool | None = None,
                  interest_waiver_reason: str = "", issued_on: date | None = None,
                  now: datetime | None = None) -> Reclaim:
    """Festsetzen: a second person with signing authority issues the Rückforderungsbescheid in
    the same transaction; payable within the programme's period from the notice date. A
    repeated or concurrent issue fails on the locked row: one reclaim, one notice.

    Only after the hearing (§ 28 HVwVfG): the letter was sent and answered, or its deadline
    passed; and within one year of knowing the facts (§ 48 Abs. 4 HVwVfG). The deciding person
    records the weighing of the hearing (printed in the reasons) and decides whether interest
    is waived under § 49a Abs. 3 Satz 2 HVwVfG, with the reason (`interest_waived` None keeps
    the proposal's suggestion)."""
    check(refuse_capability(user, Capability.ISSUE_NOTICE))
    issued_on = issued_on or clock.today()
    weighing = (weighing or "").strip()
    interest_waiver_reason = (interest_waiver_reason or "").strip()
    if issued_on > clock.today():
        raise FieldErrors({"issued_on": [_("Das Bescheiddatum darf nicht in der Zukunft liegen.")]})
    with transaction.atomic():
        reclaim = _locked(reclaim)
        award_notice = award_notice_of(reclaim.award)
        check(may_reclaim_issue(user, reclaim, award_notice=award_notice, day=issued_on))
        if issued_on < timezone.localdate(reclaim.proposed_at):
            raise FieldErrors({"issued_on": [_("Das Bescheiddatum liegt vor dem Vorschlag.")]})
        waived = reclaim.interest_waived if interest_waived is None else bool(interest_waived)
        errors: dict[str, list[str]] = {}
        if not weighing:
            errors["weighing"] = [_("Bitte die Abwägung festhalten: Wie ist die Anhörung gewürdigt, warum wird "
                                    "widerrufen? Sie steht in der Begründung des Bescheids.")]
        if waived and not interest_waiver_reason:
            errors["interest_waiver_reason"] = [
                _("Bitte begründen Sie, warum nach § 49a Abs. 3 Satz 2 HVwVfG von Zinsen abgesehen wird.")]
        if errors:
            raise FieldErrors(errors)
        waiver_before = reclaim.interest_waived
        reclaim.interest_waived = waived
        reclaim.interest_waiver_reason = interest_waiver_reason if waived else ""
        reclaim.weighing = weighing
        reclaim.due_on = due_date(reclaim, issued_on)
        notice = notice_issue(application=reclaim.award.application, kind=Notice.Kind.RECLAIM, user=user,
                              issued_on=issued_on, refers_to=award_notice, reclaim=reclaim)
        before = reclaim.status
        reclaim.status = RS.ISSUED
        reclaim.notice = notice
        reclaim.decided_by, reclaim.decided_at = user, now or clock.now()
        reclaim.save(update_fields=["status", "notice", "due_on", "decided_by", "decided_at", "interest_waived",
                                    "interest_waiver_reason", "weighing"])
        changes: dict[str, list] = {"status": [before, reclaim.status]}
        if waiver_before != waived:
            changes["interest_waived"] = [waiver_before, waived]
        audit_log(actor=user, action="grants.reclaim.issued", target=reclaim, changes=changes,
                  data={"notice": notice.number, "due_on": reclaim.due_on.isoformat(),
                        "total_due": notice.snapshot["reclaim"]["total_due"], "weighing": weighing,
                        "interest_waiver_reason": reclaim.interest_waiver_reason})
        mailed = notify_applicant(reclaim.award.application, "reclaim_issued", notice_number=notice.number,
                                  issued_on=format_date(issued_on), year=reclaim.award_year.budget.year,
                                  principal=str(reclaim.principal), total_due=notice.snapshot["reclaim"]["total_due"],
                                  due_on=format_date(reclaim.due_on), interest_waived=reclaim.interest_waived)
        handover(Event.RECLAIM_ISSUED, application=reclaim.award.application, actor=user, mailed=mailed,
                 key=f"reclaim:{reclaim.pk}:issued", page_pk=reclaim.pk, due=format_date(reclaim.due_on),
                 total=format_eur(Decimal(notice.snapshot["reclaim"]["total_due"])),
                 detail=_("Rückforderungsbescheid %(number)s vom %(day)s.") % {
                     "number": notice.number, "day": format_date(issued_on)})
    return reclaim


def reclaim_discard(*, reclaim: Reclaim, user, reason: str, now: datetime | None = None) -> Reclaim:
    """Verwerfen: the second person does not follow the proposal. The proof of use stays
    accepted; its check note and the history say why."""
    check(refuse_capability(user, Capability.ISSUE_NOTICE))
    reason = (reason or "").strip()
    if not reason:
        raise FieldErrors({"reason": [_("Bitte angeben, warum die Rückforderung verworfen wird.")]})
    with transaction.atomic():
        reclaim = _locked(reclaim)
        check(may_reclaim_discard(user, reclaim))
        before = reclaim.status
        reclaim.status = RS.DISCARDED
        reclaim.discard_reason = reason
        reclaim.decided_by, reclaim.decided_at = user, now or clock.now()
        reclaim.save(update_fields=["status", "discard_reason", "decided_by", "decided_at"])
        audit_log(actor=user, action="grants.reclaim.discarded", target=reclaim,
                  changes={"status": [before, reclaim.status]}, data={"reason": reason})
    return reclaim


# -- repayments --------------------------------------------------------------------------------


def reclaim_book_repayment(*, reclaim: Reclaim, user, received_on: date, amount: Decimal, reference: str = "",
                           now: datetime | None = None) -> ReclaimRepayment:
    """Book money received on a fixed reclaim: at most what is owed on that day (principal and
    the interest until the day before); applied first to interest, then to principal. When both
    are paid the reclaim is settled. The reclaim row is locked, so two bookings at the same
    moment can never together pay more than is owed."""
    check(refuse_capability(user, Capability.PREPARE_PAYMENT))
    errors: dict[str, list[str]] = {}
    if problems := amount_errors(amount, positive=True, required=_("Bitte den eingegangenen Betrag angeben.")):
        errors["amount"] = problems
    if received_on is None:
        errors["received_on"] = [_("Bitte das Eingangsdatum angeben.")]
    elif received_on > clock.today():
        errors["received_on"] = [_("Das Eingangsdatum darf nicht in der Zukunft liegen.")]
    if errors:
        raise FieldErrors(errors)
    reference = (reference or "").strip()
    with transaction.atomic():
        reclaim = _locked(reclaim)
        check(may_reclaim_book_repayment(user, reclaim))
        assert reclaim.notice is not None  # issued: it has its notice (reclaim_issued_has_notice)
        if received_on < reclaim.notice.issued_on:
            raise FieldErrors({"received_on": [
                _("Das Eingangsdatum liegt vor dem Datum des Rückforderungsbescheids (%(date)s).")
                % {"date": format_date(reclaim.notice.issued_on)}]})
        if reclaim.repayments.filter(received_on=received_on, amount=amount, reference=reference).exists():
            raise FieldErrors({"reference": [
                _("Eine Rückzahlung über %(amount)s vom %(date)s mit diesem Buchungszeichen ist bereits gebucht. "
                  "Sind wirklich zwei gleiche Zahlungen eingegangen, bitte das Buchungszeichen angeben, das die "
                  "zweite unterscheidet.")
                % {"amount": format_eur(amount), "date": format_date(received_on)}]})
        owed = reclaim_balance(reclaim, received_on)
        if amount > owed.total_outstanding:
            raise FieldErrors({"amount": [
                _("Am %(date)s sind noch %(total)s offen (Erstattungsbetrag %(principal)s, Zinsen %(interest)s); "
                  "mehr kann nicht gebucht werden.")
                % {"date": format_date(received_on), "total": format_eur(owed.total_outstanding),
                   "principal": format_eur(owed.principal_outstanding),
                   "interest": format_eur(owed.interest_outstanding)}]})
        repayment = ReclaimRepayment.objects.create(reclaim=reclaim, received_on=received_on, amount=amount,
                                                    reference=reference, booked_by=user, booked_at=now or clock.now())
        after = reclaim_balance(reclaim, received_on)
        applied = after.repayments[-1]
        audit_log(actor=user, action="grants.reclaim.repayment_booked", target=reclaim,
                  data={"received_on": received_on.isoformat(), "amount": str(amount), "reference": reference,
                        "to_interest": str(applied.to_interest), "to_principal": str(applied.to_principal)})
        # Settled when nothing is owed on the day of this payment; a later repayment day is
        # impossible (the date may not lie in the future), an earlier one accrues no more.
        latest = reclaim.repayments.order_by("-received_on").values_list("received_on", flat=True).first()
        if reclaim_balance(reclaim, latest).settled:
            before = reclaim.status
            reclaim.status = RS.SETTLED
            reclaim.settled_at = now or clock.now()
            reclaim.save(update_fields=["status", "settled_at"])
            audit_log(actor=user, action="grants.reclaim.settled", target=reclaim,
                      changes={"status": [before, reclaim.status]})
    return repayment


# -- the base-rate table -----------------------------------------------------------------------


def base_rate_set(*, user, valid_from: date, rate: Decimal, source: str) -> BaseRate:
    """Record the Basiszinssatz valid from a 1 January or 1 July. Correcting an entry is
    allowed only while no issued Rückforderungsbescheid printed interest at it."""
    check(may_base_rate_set(user))
    errors: dict[str, list[str]] = {}
    if valid_from is None:
        errors["valid_from"] = [_("Bitte das Datum angeben, ab dem der Basiszinssatz gilt.")]
    elif (valid_from.month, valid_from.day) not in ((1, 1), (7, 1)):
        errors["valid_from"] = [_("Der Basiszinssatz ändert sich nur zum 1. Januar und zum 1. Juli.")]
    if rate is None or not isinstance(rate, Decimal) or not rate.is_finite():
        errors["rate"] = [_("Bitte den Basiszinssatz in Prozent angeben, z. B. 1,27 oder -0,88.")]
    elif rate != rate.quantize(CENT):
        errors["rate"] = [_("Bitte den Basiszinssatz mit höchstens zwei Nachkommastellen angeben.")]
    elif not Decimal("-10") <= rate <= Decimal("20"):
        errors["rate"] = [_("Der Basiszinssatz muss zwischen -10 % und 20 % liegen.")]
    source = (source or "").strip()
    if len(source) > 200:
        errors["source"] = [_("Die Quelle darf höchstens 200 Zeichen lang sein.")]
    if errors:
        raise FieldErrors(errors)
    rate = rate.quantize(CENT)
    with transaction.atomic():
        entry = BaseRate.objects.select_for_update().filter(valid_from=valid_from).first()
        if entry is None:
            entry = BaseRate.objects.create(valid_from=valid_from, rate=rate, source=source, created_by=user)
            audit_log(actor=user, action="grants.base_rate.created", target=entry,
                      changes={"rate": [None, str(rate)]}, data={"valid_from": valid_from.isoformat(),
                                                                 "source": source})
            return entry
        if entry.rate == rate and entry.source == source:
            return entry
        if entry.rate != rate and (user_of := base_rate_used_by_issued_notice(valid_from)) is not None:
            assert user_of.notice is not None  # a reclaim with an issued notice
            raise FieldErrors({"rate": [
                _("Der Basiszinssatz ab %(date)s ist im Rückforderungsbescheid %(number)s gedruckt; erlassene "
                  "Bescheide sind unveränderlich. Er kann deshalb nicht mehr geändert werden.")
                % {"date": format_date(valid_from), "number": user_of.notice.number}]})
        before = {"rate": str(entry.rate), "source": entry.source}
        entry.rate, entry.source = rate, source
        entry.save(update_fields=["rate", "source"])
        audit_log(actor=user, action="grants.base_rate.changed", target=entry,
                  changes={key: [before[key], after] for key, after in (("rate", str(rate)), ("source", source))
                           if before[key] != after},
                  data={"valid_from": valid_from.isoformat()})
    return entry
