"""Verwendungsnachweise: the own body's coordinator drafts, attaches the Sachbericht and submits
the proof of use of a running award once the period it covers has ended; the ministry accepts
it or sends questions back."""

from datetime import date

from django.utils.translation import gettext as _

from accounts.roles import Capability
from core import clock
from core.errors import DomainError
from core.formats import format_date
from grants.models import Award, UsageReport
from grants.policies.base import Refusal, refuse_capability, refuse_closed, refuse_other_body, refuse_status
from grants.selectors.deadlines import ReportDeadline

R = UsageReport.Status


def refuse_period_running(deadline: ReportDeadline, today: date) -> Refusal | None:
    """A proof can be started only once the period it covers has ended."""
    if today > deadline.covers_to:
        return None
    if deadline.kind == UsageReport.Kind.INTERIM:
        message = _("Der Zwischennachweis für %(year)s kann erst nach dem Ende des Haushaltsjahres "
                    "(%(end)s) erstellt werden.")
    else:
        message = _("Der Verwendungsnachweis kann erst nach dem Ende des Bewilligungszeitraums (%(end)s) "
                    "erstellt werden.")
    return Refusal(message % {"year": deadline.year, "end": format_date(deadline.covers_to)}, DomainError)


def _coordinator(user, award: Award) -> Refusal | None:
    return refuse_other_body(user, award.application.municipality_id) or refuse_closed(award)


def may_usage_report_edit(user, award: Award, report: UsageReport | None, *, deadline: ReportDeadline,
                          today: date | None = None) -> Refusal | None:
    """Start (`report` None) or change the proof of `deadline`: while a draft or in answer to questions."""
    if refusal := _coordinator(user, award):
        return refusal
    if report is None:
        return refuse_period_running(deadline, today or clock.today())
    return refuse_status(report, UsageReport.EDITABLE_STATUSES, _("Den Nachweis zu ändern"))


def may_usage_report_attach_narrative(user, report: UsageReport) -> Refusal | None:
    return (_coordinator(user, report.award)
            or refuse_status(report, UsageReport.EDITABLE_STATUSES, _("Den Sachbericht hochzuladen")))


def may_usage_report_submit(user, report: UsageReport) -> Refusal | None:
    return (_coordinator(user, report.award)
            or refuse_status(report, UsageReport.EDITABLE_STATUSES, _("Das Einreichen")))


def may_usage_report_accept(user, report: UsageReport) -> Refusal | None:
    return (refuse_capability(user, Capability.REVIEW) or refuse_closed(report.award)
            or refuse_status(report, (R.SUBMITTED,), _("Die Annahme")))


def may_usage_report_send_back(user, report: UsageReport) -> Refusal | None:
    return (refuse_capability(user, Capability.REVIEW) or refuse_closed(report.award)
            or refuse_status(report, (R.SUBMITTED,), _("Rückfragen zu senden")))
