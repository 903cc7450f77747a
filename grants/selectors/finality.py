"""When a notice was notified (Bekanntgabe) and when it becomes final (Bestandskraft), read from
its recorded notification (`NoticeDelivery`, the latest entry counts) and a recorded waiver of
remedies (`RemedyWaiver`); the date arithmetic is core/periods.py."""

from dataclasses import dataclass
from datetime import date

from core import clock
from core.periods import final_date, month_period_end
from grants.models import Notice, NoticeDelivery, RemedyWaiver


@dataclass(frozen=True)
class Finality:
    notice: Notice
    delivery: NoticeDelivery | None
    waiver: RemedyWaiver | None
    notified_on: date | None       # Bekanntgabe
    period_end: date | None        # last day of the period for an action (§ 74 Abs. 1 VwGO)
    final_on: date | None          # first day the notice is final

    def is_final(self, today: date | None = None) -> bool:
        return self.final_on is not None and self.final_on <= (today or clock.today())


def _valid(deliveries, notice: Notice) -> NoticeDelivery | None:
    """The latest entry (a correction supersedes) – except a handover at a ceremony the notice
    has since been detached from. `deliveries` newest first."""
    for delivery in deliveries:
        if delivery.method == NoticeDelivery.Method.CEREMONY and delivery.ceremony_id != notice.ceremony_id:
            continue
        return delivery
    return None


def _newest_first():
    return NoticeDelivery.objects.select_related("ceremony", "recorded_by").order_by("-recorded_at", "-pk")


def current_delivery(notice: Notice) -> NoticeDelivery | None:
    """The notice's valid notification record."""
    return _valid(_newest_first().filter(notice=notice), notice)


def _finality(notice: Notice, delivery: NoticeDelivery | None, waiver: RemedyWaiver | None) -> Finality:
    if delivery is None:
        return Finality(notice, None, waiver, None, None, None)
    notified = delivery.notified_on
    return Finality(notice, delivery, waiver, notified, month_period_end(notified),
                    final_date(notified, waiver.declared_on if waiver else None))


def notice_finality(notice: Notice) -> Finality:
    waiver = RemedyWaiver.objects.filter(notice=notice).select_related("recorded_by").first()
    return _finality(notice, current_delivery(notice), waiver)


def notices_finality(notices: list[Notice]) -> dict[int, Finality]:
    """`notice_finality` of several notices in two queries (the notices panel)."""
    deliveries: dict[int, list[NoticeDelivery]] = {}
    for delivery in _newest_first().filter(notice__in=notices):
        deliveries.setdefault(delivery.notice_id, []).append(delivery)
    waivers = {waiver.notice_id: waiver for waiver in
               RemedyWaiver.objects.filter(notice__in=notices).select_related("recorded_by")}
    return {notice.pk: _finality(notice, _valid(deliveries.get(notice.pk, []), notice), waivers.get(notice.pk))
            for notice in notices}
