"""The notification (Bekanntgabe) of an issued notice and a recipient's waiver of remedies
(Rechtsbehelfsverzicht). The notice itself never changes; both are recorded beside it,
append-only: a corrected notification is a new entry with its reason. Read back in
grants/selectors/finality.py; the date arithmetic is core/periods.py.

Legal decisions:
- Handover at a ceremony: notified on the day of the ceremony (Aushändigung, § 41 Abs. 1
  HVwVfG); recorded automatically when a notice is attached to a ceremony.
- Post: notified on the third day after posting (§ 41 Abs. 2 Satz 1 HVwVfG), moved to the next
  working day when that is a Saturday, Sunday or Hessian holiday (core/periods.py says why).
- Electronic retrieval (§ 41 Abs. 2a HVwVfG, with the recipient's consent): notified on the
  day after the retrieval (Satz 3), moved alike.
- A waiver can only be declared once the notice has been notified (before, there is nothing to
  waive) and not in the future; it makes the notice final on the day it was declared.
"""

from datetime import date, timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.roles import Capability
from audit.services import audit_log
from core import clock
from core.errors import FieldErrors, NotPermitted
from core.formats import format_date
from core.periods import next_working_day, posted_notification_date
from grants.models import HandoverCeremony, Notice, NoticeDelivery, RemedyWaiver
from grants.policies import check
from grants.policies.base import refuse_other_body
from grants.policies.finality import may_delivery_record, may_waiver_record
from grants.selectors.finality import current_delivery

M = NoticeDelivery.Method


def notified_on_for(method: str, event_on: date) -> date:
    if method == M.POST:
        return posted_notification_date(event_on)
    if method == M.ELECTRONIC:
        return next_working_day(event_on + timedelta(days=1))
    return event_on


def notice_delivery_record(*, notice: Notice, user, method: str, event_on: date | None,
                           ceremony: HandoverCeremony | None = None, correction_reason: str = "") -> NoticeDelivery:
    """Record (or correct) how and when the notice was notified."""
    check(may_delivery_record(user, notice))
    errors: dict[str, list[str]] = {}
    if method not in M.values:
        errors["method"] = [_("Bitte die Art der Bekanntgabe wählen.")]
    if event_on is None:
        errors["event_on"] = [_("Bitte das Datum angeben.")]
    elif event_on < notice.issued_on:
        errors["event_on"] = [_("Das Datum liegt vor dem Bescheiddatum (%(date)s).")
                              % {"date": format_date(notice.issued_on)}]
    elif method != M.CEREMONY and event_on > clock.today():
        errors["event_on"] = [_("Das Datum darf nicht in der Zukunft liegen.")]
    if errors:
        raise FieldErrors(errors)
    assert event_on is not None
    with transaction.atomic():
        notice = Notice.objects.select_for_update().get(pk=notice.pk)
        previous = current_delivery(notice)
        if previous is not None and not correction_reason.strip():
            raise FieldErrors({"correction_reason": [
                _("Die Bekanntgabe ist bereits erfasst (%(before)s); bitte den Grund der Berichtigung angeben.")
                % {"before": f"{previous.get_method_display()}, {format_date(previous.notified_on)}"}]})
        if RemedyWaiver.objects.filter(notice=notice).exists() and previous is not None:
            waiver = RemedyWaiver.objects.get(notice=notice)
            if waiver.declared_on < notified_on_for(method, event_on):
                raise FieldErrors({"event_on": [
                    _("Der erfasste Rechtsbehelfsverzicht vom %(date)s läge vor dieser Bekanntgabe.")
                    % {"date": format_date(waiver.declared_on)}]})
        delivery = NoticeDelivery.objects.create(
            notice=notice, method=method, event_on=event_on, notified_on=notified_on_for(method, event_on),
            ceremony=ceremony, correction_reason=correction_reason.strip(), recorded_by=user)
        action = "grants.notice.notified" if previous is None else "grants.notice.notified_corrected"
        audit_log(actor=user, action=action, target=notice,
                  changes={"notified_on": [previous.notified_on.isoformat() if previous else None,
                                           delivery.notified_on.isoformat()]},
                  data={"method": method, "event_on": event_on.isoformat(),
                        **({"reason": delivery.correction_reason} if previous else {})})
    return delivery


def notice_delivery_from_ceremony(*, notice: Notice, ceremony: HandoverCeremony | None, user) -> None:
    """Attaching a notice to a ceremony records its handover there (the ceremony's date);
    detaching it records that the handover did not happen – the notification is then unknown
    until recorded again (selectors/finality skips a handover the notice no longer has)."""
    if ceremony is None:
        return
    previous = current_delivery(notice)
    if previous is not None and previous.method == M.CEREMONY and previous.ceremony_id == ceremony.pk:
        return
    delivery = NoticeDelivery.objects.create(
        notice=notice, method=M.CEREMONY, event_on=ceremony.date, notified_on=ceremony.date, ceremony=ceremony,
        correction_reason=_("Bescheidübergabe zugeordnet") if previous else "", recorded_by=user)
    audit_log(actor=user, action="grants.notice.notified", target=notice,
              changes={"notified_on": [previous.notified_on.isoformat() if previous else None,
                                       delivery.notified_on.isoformat()]},
              data={"method": M.CEREMONY, "ceremony": ceremony.pk})


def remedy_waiver_record(*, notice: Notice, user, declared_on: date | None, declared_by_name: str) -> RemedyWaiver:
    """The recipient waives any action against the notice; it is final from `declared_on`."""
    if user.can(Capability.APPLY):
        check(refuse_other_body(user, notice.application.municipality_id))
    elif may_delivery_record(user) is not None:
        raise NotPermitted(_("Nur die Koordination der Gebietskörperschaft oder das Ministerium kann einen "
                             "Rechtsbehelfsverzicht erfassen."))
    errors: dict[str, list[str]] = {}
    if declared_on is None:
        errors["declared_on"] = [_("Bitte das Datum der Verzichtserklärung angeben.")]
    elif declared_on > clock.today():
        errors["declared_on"] = [_("Das Datum darf nicht in der Zukunft liegen.")]
    if not declared_by_name.strip():
        errors["declared_by_name"] = [_("Bitte angeben, wer den Verzicht erklärt hat (Name, Funktion).")]
    if errors:
        raise FieldErrors(errors)
    assert declared_on is not None
    with transaction.atomic():
        notice = Notice.objects.select_for_update().select_related("application").get(pk=notice.pk)
        check(may_waiver_record(user, notice))
        delivery = current_delivery(notice)
        assert delivery is not None  # may_waiver_record refuses before the notification
        if declared_on < delivery.notified_on:
            raise FieldErrors({"declared_on": [
                _("Ein Verzicht vor der Bekanntgabe (%(date)s) ist unwirksam: Auf einen Rechtsbehelf kann erst "
                  "verzichtet werden, wenn der Bescheid bekannt gegeben ist.")
                % {"date": format_date(delivery.notified_on)}]})
        waiver = RemedyWaiver.objects.create(notice=notice, declared_on=declared_on,
                                             declared_by_name=declared_by_name.strip(), recorded_by=user)
        audit_log(actor=user, action="grants.notice.remedy_waived", target=notice,
                  data={"declared_on": declared_on.isoformat(), "declared_by": waiver.declared_by_name})
    return waiver
