"""What waits for a person: the work after the award, per capability, as links to the filtered
lists – and for a body's coordinator the questions to answer and reclaims to pay."""

from collections.abc import Callable

from django.db.models import Model, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.roles import Capability
from core import clock
from core.formats import format_date
from grants.models import AmendmentRequest, Disbursement, Reclaim, UsageReport


def post_award_tasks(user) -> list[dict]:
    """What waits for this person after the award: a link per kind of work that is not empty."""
    D, R, A = Disbursement.Status, Reclaim.Status, AmendmentRequest.Status
    wanted: list[tuple[QuerySet[Model], str, str, Callable[[int], str]]] = []  # what, list, its filter, label
    if user.can(Capability.PREPARE_PAYMENT):
        wanted.append((Disbursement.objects.filter(status=D.REQUESTED), "grants:payment_queue", f"status={D.REQUESTED}",
                       lambda n: ngettext("Mittelabruf wartet auf die Vorbereitung",
                                                  "Mittelabrufe warten auf die Vorbereitung", n)))
    if user.can(Capability.RELEASE_PAYMENT):
        wanted.append((Disbursement.objects.filter(status=D.PREPARED), "grants:payment_queue", f"status={D.PREPARED}",
                       lambda n: ngettext("Auszahlung wartet auf die Freigabe",
                                                  "Auszahlungen warten auf die Freigabe", n)))
    if user.can(Capability.REVIEW):
        wanted.append((UsageReport.objects.filter(status=UsageReport.Status.SUBMITTED), "grants:usage_report_list",
                       f"status={UsageReport.Status.SUBMITTED}",
                       lambda n: ngettext("Nachweis wartet auf die Prüfung", "Nachweise warten auf die Prüfung", n)))
        wanted.append((AmendmentRequest.objects.filter(status=A.SUBMITTED), "grants:amendment_list",
                       f"status={A.SUBMITTED}",
                       lambda n: ngettext("Änderungsantrag wartet auf die Prüfung",
                                                  "Änderungsanträge warten auf die Prüfung", n)))
    if user.can(Capability.DECIDE):
        wanted.append((AmendmentRequest.objects.filter(status=A.RECOMMENDED), "grants:amendment_list",
                       f"status={A.RECOMMENDED}",
                       lambda n: ngettext("Änderungsantrag ist zur Bewilligung empfohlen",
                                                  "Änderungsanträge sind zur Bewilligung empfohlen", n)))
    if user.can(Capability.ISSUE_NOTICE):
        wanted.append((Reclaim.objects.filter(status=R.PROPOSED), "grants:reclaim_list", f"status={R.PROPOSED}",
                       lambda n: ngettext("Rückforderung wartet auf die Festsetzung",
                                                  "Rückforderungen warten auf die Festsetzung", n)))
    if user.can(Capability.VIEW_ALL):
        wanted.append((Reclaim.objects.filter(status=R.ISSUED, due_on__lt=clock.today()), "grants:reclaim_list",
                       f"status={R.ISSUED}",
                       lambda n: ngettext("festgesetzte Rückforderung ist überfällig",
                                                  "festgesetzte Rückforderungen sind überfällig", n)))
    tasks = coordinator_tasks(user) if user.can(Capability.APPLY) else []
    for queryset, url_name, query, label in wanted:
        count = queryset.count()
        if count:
            tasks.append({"count": count, "url": f"{reverse(url_name)}?{query}", "label": label(count)})
    return tasks


def coordinator_tasks(user) -> list[dict]:
    """For the body: questions to answer and reclaims to pay, each linked to its grant."""
    own = {"award__application__municipality_id": user.municipality_id}
    tasks = []
    for report in (UsageReport.objects.filter(status=UsageReport.Status.QUESTIONS, **own)
                   .select_related("award__application").defer("award__application__purpose")):
        tasks.append({"count": None, "url": reverse("grants:application_detail", args=[report.award.application_id]),
                      "label": _("Rückfragen zum %(report)s (%(ref)s) beantworten")
                      % {"report": report, "ref": report.award.application.file_reference}})
    for request in (AmendmentRequest.objects.filter(status=AmendmentRequest.Status.DRAFT, **own)
                    .exclude(review_note="").select_related("award__application")):
        tasks.append({"count": None, "url": reverse("grants:amendment_edit", args=[request.award.application_id]),
                      "label": _("Rückfragen zum Änderungsantrag (%(ref)s) beantworten")
                      % {"ref": request.award.application.file_reference}})
    for reclaim in (Reclaim.objects.filter(status=Reclaim.Status.ISSUED, **own)
                    .select_related("award__application", "notice")
                    .defer("award__application__purpose", "notice__pdf", "notice__snapshot")):
        assert reclaim.notice is not None  # an issued reclaim has its notice (reclaim_issued_has_notice)
        tasks.append({"count": None, "url": reverse("grants:application_detail", args=[reclaim.award.application_id]),
                      "label": _("Rückforderungsbescheid %(number)s: bis %(due)s zahlen")
                      % {"number": reclaim.notice.number, "due": format_date(reclaim.due_on)}})
    return tasks
