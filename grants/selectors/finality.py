"""When a notice was notified (Bekanntgabe) and when it becomes final (Bestandskraft), read from
its recorded notification (`NoticeDelivery`, the latest entry counts) and a recorded waiver of
remedies (`RemedyWaiver`); the date arithmetic is core/periods.py."""

from dataclasses import dataclass
from datetime import date

from django.db.models import OuterRef, Q, QuerySet, Subquery

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


_DELIVERY_FIELDS = ("pk", "method", "event_on", "notified_on", "ceremony_id")


def with_finality_facts(notices: QuerySet[Notice]) -> QuerySet[Notice]:
    """The notices with what `notices_finality(..., loaded=True)` reads, in their own query: the
    waiver (joined) and the fields of the valid notification record (as `_valid` chooses it: the
    newest entry, except a handover at a ceremony the notice has since been detached from)."""
    valid = (NoticeDelivery.objects.filter(notice=OuterRef("pk"))
             .filter(~Q(method=NoticeDelivery.Method.CEREMONY) | Q(ceremony_id=OuterRef("ceremony_id")))
             .order_by("-recorded_at", "-pk"))
    return notices.select_related("waiver__recorded_by").annotate(
        **{f"delivery_{name}": Subquery(valid.values(name)[:1]) for name in _DELIVERY_FIELDS})


def _loaded_delivery(notice) -> NoticeDelivery | None:
    if notice.delivery_pk is None:
        return None
    return NoticeDelivery(pk=notice.delivery_pk, notice=notice, method=notice.delivery_method,
                          event_on=notice.delivery_event_on, notified_on=notice.delivery_notified_on,
                          ceremony_id=notice.delivery_ceremony_id)


def notices_finality(notices: list[Notice], *, loaded: bool = False) -> dict[int, Finality]:
    """`notice_finality` of several notices in two queries (the notices panel); in none with
    `loaded` (the notices come from `with_finality_facts`)."""
    if loaded:
        return {notice.pk: _finality(notice, _loaded_delivery(notice), getattr(notice, "waiver", None))
                for notice in notices}
    deliveries: dict[int, list[NoticeDelivery]] = {}
    for delivery in _newest_first().filter(notice__in=notices):
        deliveries.setdefault(delivery.notice_id, []).append(delivery)
    waivers = {waiver.notice_id: waiver for waiver in
               RemedyWaiver.objects.filter(notice__in=notices).select_related("recorded_by")}
    return {notice.pk: _finality(notice, _valid(deliveries.get(notice.pk, []), notice), waivers.get(notice.pk))
            for notice in notices}
