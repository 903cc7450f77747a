"""Abschluss einer Zuwendung: Laufend → Abgeschlossen, once nothing is left to do.

An award is closed by the ministry (Sachbearbeitung or Bewilligung) after the final proof
of use has been accepted. `award_closing_blockers` names every reason that still stands in
the way – the service refuses with all of them at once, and the detail page shows the same
list before anyone clicks. A closed award is read-only: the services of payments, proofs,
reclaims and amendments refuse it (`guards.require_award_running`).
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Capability
from audit.services import audit_log
from grants.deadlines import report_deadlines
from core.errors import InvalidTransition
from grants.models import AmendmentRequest, Award, AwardYear, Disbursement, Reclaim, UsageReport
from core.money import format_eur
from grants.notifications import notify_applicant
from grants.services.guards import require_capability, require_status
from core import clock
from core.formats import format_date

class AwardNotClosable(InvalidTransition):
    """The award cannot be closed yet; `blockers` lists every reason (German sentences)."""

    def __init__(self, blockers: list[str]):
        self.blockers = list(blockers)
        super().__init__(_("Die Zuwendung kann noch nicht abgeschlossen werden:") + " " + " ".join(self.blockers))


# Payments in these states are still under way; a closed award may not leave any behind.
PENDING_PAYMENT_STATUSES = (Disbursement.Status.REQUESTED, Disbursement.Status.PREPARED,
                            Disbursement.Status.RELEASED)


def _report_blockers(award: Award) -> list[str]:
    """Every proof of use the award owes (interim per year except the last, the final one)
    must be there and accepted. The final proof first: it is what closing is about."""
    reports = {(report.kind, report.year): report for report in award.usage_reports.all()}
    deadlines = report_deadlines(award)
    deadlines.sort(key=lambda deadline: (deadline.kind != UsageReport.Kind.FINAL, deadline.year or 0))
    blockers = []
    for deadline in deadlines:
        report = reports.get((deadline.kind, deadline.year))
        if deadline.kind == UsageReport.Kind.FINAL:
            label = _("Der Verwendungsnachweis")
        else:
            label = _("Der Zwischennachweis %(year)s") % {"year": deadline.year}
        if report is None:
            blockers.append(_("%(report)s liegt noch nicht vor (fällig am %(due)s).")
                            % {"report": label, "due": format_date(deadline.due)})
        elif report.status != UsageReport.Status.ACCEPTED:
            blockers.append(_("%(report)s ist noch nicht angenommen (Stand: %(status)s).")
                            % {"report": label, "status": report.get_status_display()})
    return blockers


def award_closing_blockers(award: Award) -> list[str]:
    """What keeps the award from being closed, one German sentence per reason; empty when it
    may be closed. The detail page shows this list; `award_close` refuses with it."""
    blockers = _report_blockers(award)
    reclaims = (Reclaim.objects.filter(award=award, status__in=Reclaim.OPEN_STATUSES)
                .select_related("award_year__budget").order_by("proposed_at", "pk"))
    for reclaim in reclaims:
        blockers.append(_("Die Rückforderung über %(amount)s für %(year)s ist noch offen (Stand: %(status)s).")
                        % {"amount": format_eur(reclaim.principal), "year": reclaim.award_year.year,
                           "status": reclaim.get_status_display()})
    payments = (Disbursement.objects.filter(award_year__award=award, status__in=PENDING_PAYMENT_STATUSES)
                .select_related("award_year__budget").order_by("requested_at", "pk"))
    for payment in payments:
        blockers.append(_("Der Mittelabruf über %(amount)s für %(year)s vom %(date)s ist noch nicht erledigt "
                          "(Stand: %(status)s).")
                        % {"amount": format_eur(payment.amount), "year": payment.award_year.year,
                           "date": format_date(payment.requested_at),
                           "status": payment.get_status_display()})
    amendments = AmendmentRequest.objects.filter(award=award, status__in=AmendmentRequest.OPEN_STATUSES)
    for amendment in amendments.order_by("created_at", "pk"):
        blockers.append(_("Der Änderungsantrag vom %(date)s ist noch nicht entschieden (Stand: %(status)s).")
                        % {"date": format_date(amendment.created_at), "status": amendment.get_status_display()})
    return blockers


def award_close(*, award: Award, user, now: datetime | None = None) -> Award:
    """Laufend → Abgeschlossen. Refused, naming every reason, while a proof of use is missing
    or not accepted, a reclaim or an amendment request is open or a payment is under way.

    Locks the award and its years: a payment request locks its award year and then reads the
    award's status, so it either comes first (and blocks the closing) or sees the award closed.
    New proofs of use lock the award row. The coordinators are told after the commit.
    """
    require_capability(user, Capability.REVIEW)
    now = now or clock.now()
    with transaction.atomic():
        award = (Award.objects.select_for_update(of=("self",))
                 .select_related("application__municipality", "application__programme").get(pk=award.pk))
        list(AwardYear.objects.select_for_update().filter(award=award).order_by("pk").values_list("pk"))
        require_status(award, (Award.Status.RUNNING,), _("Der Abschluss der Zuwendung"))
        blockers = award_closing_blockers(award)
        if blockers:
            raise AwardNotClosable(blockers)
        before = award.status
        award.status = Award.Status.CLOSED
        award.closed_at, award.closed_by = now, user
        award.save(update_fields=["status", "closed_at", "closed_by"])
        audit_log(actor=user, action="grants.award.closed", target=award,
                  changes={"status": [before, award.status]})
        notify_applicant(award.application, "closed", closed_on=format_date(now))
    return award
