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


def current_delivery(notice: Notice) -> NoticeDelivery | None:
    """The notice's valid notification record: the latest entry (a correction supersedes) –
    except a handover at a ceremony the notice has since been detached from."""
    for delivery in (NoticeDelivery.objects.filter(notice=notice).select_related("ceremony", "recorded_by")
                     .order_by("-recorded_at", "-pk")):
        if delivery.method == NoticeDelivery.Method.CEREMONY and delivery.ceremony_id != notice.ceremony_id:
            continue
        return delivery
    return None


def notice_finality(notice: Notice) -> Finality:
    delivery = current_delivery(notice)
    waiver = RemedyWaiver.objects.filter(notice=notice).select_related("recorded_by").first()
    if delivery is None:
        return Finality(notice, None, waiver, None, None, None)
    notified = delivery.notified_on
    return Finality(notice, delivery, waiver, notified, month_period_end(notified),
                    final_date(notified, waiver.declared_on if waiver else None))
