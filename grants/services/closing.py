"""Abschluss einer Zuwendung: Laufend → Abgeschlossen, once nothing is left to do.

An award is closed by the ministry (Sachbearbeitung or Bewilligung) after the final proof
of use has been accepted. What still stands in the way is named by
`grants.policies.awards.award_closing_blockers` – the service refuses with all of the reasons
at once, and the detail page shows the same list before anyone clicks. A closed award is
read-only: the services of payments, proofs, reclaims and amendments refuse it.
"""

from datetime import datetime

from django.db import transaction

from accounts.roles import Capability
from audit.services import audit_log
from core import clock
from core.formats import format_date
from grants.models import Award, AwardYear
from grants.notifications import notify_applicant
from grants.policies import check, may_award_close, refuse_capability


def award_close(*, award: Award, user, now: datetime | None = None) -> Award:
    """Laufend → Abgeschlossen. Refused, naming every reason, while a proof of use is missing
    or not accepted, a reclaim or an amendment request is open or a payment is under way.

    Locks the award and its years: a payment request locks its award year and then reads the
    award's status, so it either comes first (and blocks the closing) or sees the award closed.
    New proofs of use lock the award row. The coordinators are told after the commit.
    """
    check(refuse_capability(user, Capability.REVIEW))
    now = now or clock.now()
    with transaction.atomic():
        award = (Award.objects.select_for_update(of=("self",))
                 .select_related("application__municipality", "application__programme").get(pk=award.pk))
        list(AwardYear.objects.select_for_update().filter(award=award).order_by("pk").values_list("pk"))
        check(may_award_close(user, award))
        before = award.status
        award.status = Award.Status.CLOSED
        award.closed_at, award.closed_by = now, user
        award.save(update_fields=["status", "closed_at", "closed_by"])
        audit_log(actor=user, action="grants.award.closed", target=award,
                  changes={"status": [before, award.status]})
        notify_applicant(award.application, "closed", closed_on=format_date(now))
    return award
