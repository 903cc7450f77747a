"""Closing an award (Abschluss): Laufend → Abgeschlossen, by the ministry, once nothing is left to
do – every proof of use accepted, no reclaim open, no payment under way, no amendment open."""

from collections.abc import Sequence

from django.utils.translation import gettext as _

from accounts.roles import Capability
from core.errors import InvalidTransition
from core.formats import format_date
from core.money import format_eur
from grants.models import AmendmentRequest, Award, Disbursement, Reclaim, UsageReport
from grants.policies.base import Refusal, refuse_capability, refuse_closed, refuse_status
from grants.selectors.awards import award_notice_of
from grants.selectors.deadlines import report_deadlines

# Payments in these states are still under way; a closed award may not leave any behind.
PENDING_PAYMENT_STATUSES = (Disbursement.Status.REQUESTED, Disbursement.Status.PREPARED,
                            Disbursement.Status.RELEASED)


class AwardNotClosable(InvalidTransition):
    """The award cannot be closed yet; `blockers` lists every reason (German sentences)."""

    def __init__(self, blockers: Sequence[str]):
        self.blockers = list(blockers)
        super().__init__(_("Die Zuwendung kann noch nicht abgeschlossen werden:") + " " + " ".join(self.blockers))

    @classmethod
    def from_details(cls, details: Sequence[str]) -> "AwardNotClosable":
        return cls(details)


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


def award_closing_blockers(award: Award, *, reclaims: list[Reclaim] | None = None,
                           payments: list[Disbursement] | None = None,
                           amendments: list[AmendmentRequest] | None = None) -> list[str]:
    """What keeps the award from being closed, one German sentence per reason; empty when it
    may be closed. `reclaims`, `payments` and `amendments`: all of the award's reclaims, payment
    requests (with their award years and budgets) and Änderungsanträge where the caller has them
    already."""
    blockers = _report_blockers(award)
    if reclaims is None:
        reclaims = list(Reclaim.objects.filter(award=award, status__in=Reclaim.OPEN_STATUSES)
                        .select_related("award_year__budget"))
    for reclaim in sorted((r for r in reclaims if r.status in Reclaim.OPEN_STATUSES),
                          key=lambda r: (r.proposed_at, r.pk)):
        blockers.append(_("Die Rückforderung über %(amount)s für %(year)s ist noch offen (Stand: %(status)s).")
                        % {"amount": format_eur(reclaim.principal), "year": reclaim.award_year.year,
                           "status": reclaim.get_status_display()})
    if payments is None:
        payments = list(Disbursement.objects.filter(award_year__award=award, status__in=PENDING_PAYMENT_STATUSES)
                        .select_related("award_year__budget"))
    for payment in sorted((p for p in payments if p.status in PENDING_PAYMENT_STATUSES),
                          key=lambda p: (p.requested_at, p.pk)):
        blockers.append(_("Der Mittelabruf über %(amount)s für %(year)s vom %(date)s ist noch nicht erledigt "
                          "(Stand: %(status)s).")
                        % {"amount": format_eur(payment.amount), "year": payment.award_year.year,
                           "date": format_date(payment.requested_at), "status": payment.get_status_display()})
    if amendments is None:
        amendments = list(AmendmentRequest.objects.filter(award=award, status__in=AmendmentRequest.OPEN_STATUSES))
    for amendment in sorted((a for a in amendments if a.status in AmendmentRequest.OPEN_STATUSES),
                            key=lambda a: (a.created_at, a.pk)):
        blockers.append(_("Der Änderungsantrag vom %(date)s ist noch nicht entschieden (Stand: %(status)s).")
                        % {"date": format_date(amendment.created_at), "status": amendment.get_status_display()})
    return blockers


def may_award_close(user, award: Award, *, blockers: list[str] | None = None) -> Refusal | None:
    """`blockers` are `award_closing_blockers(award)` where the caller has them already."""
    if refusal := (refuse_capability(user, Capability.REVIEW)
                   or refuse_status(award, (Award.Status.RUNNING,), _("Der Abschluss der Zuwendung"))):
        return refusal
    blockers = award_closing_blockers(award) if blockers is None else blockers
    if blockers:
        return Refusal(str(AwardNotClosable(blockers)), AwardNotClosable, shown=True, details=tuple(blockers))
    return None


def may_award_financing_change(user, award: Award, *, award_notice=False) -> Refusal | None:
    """Bewilligung may change the Finanzierungsart of a grant until its Zuwendungsbescheid is
    issued: from then on the notice fixes it, and only an Änderungsbescheid changes what it says.
    `award_notice` is `award_notice_of(award)` where the caller has it already."""
    if refusal := refuse_capability(user, Capability.DECIDE):
        return refusal
    if refusal := refuse_closed(award):
        return refusal
    if award_notice is False:
        award_notice = award_notice_of(award)
    if award_notice is not None:
        return Refusal(_("Der Zuwendungsbescheid %(number)s ist erlassen; die Finanzierungsart steht damit fest und "
                         "kann nur noch durch einen Änderungsbescheid geändert werden.")
                       % {"number": award_notice.number}, shown=True)
    return None
