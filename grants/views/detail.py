"""The application page every role shares: the application, its plan and history, and the panels
of what comes after – review, decision, notices, payments, proofs of use, closing, amendments,
reclaims. The award is loaded once and passed to every panel; what a person may do on it is
asked of grants/policies, so the page offers exactly what the services allow."""

from datetime import timedelta
from typing import Any, cast

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.roles import Capability
from core import clock
from core.formats import format_date
from grants.forms.notices import NoticeDeliveryForm, NoticeIssueForm, RemedyWaiverForm, next_notice_kind
from grants.forms.review import CommentForm
from grants.interest import BaseRateMissing
from grants.models import (
    AmendmentRequest,
    Application,
    ApplicationComment,
    ApplicationStatus,
    Award,
    Disbursement,
    Notice,
    Reclaim,
    UsageReport,
)
from grants.plan import codec
from grants.plan.lines import grant_by_year
from grants.plan.tables import plan_rows
from grants.policies import (
    may_amendment_edit,
    may_application_approve,
    may_application_edit,
    may_application_withdraw,
    may_award_close,
    may_award_financing_change,
    may_disbursement_request,
    may_notice_issue,
    may_usage_report_accept,
    may_usage_report_edit,
    may_usage_report_submit,
)
from grants.policies.amendments import refuse_period_ended
from grants.policies.awards import award_closing_blockers
from grants.policies.finality import may_delivery_record
from grants.policies.payments import refuse_before_notice
from grants.selectors.amendments import categories_of
from grants.selectors.application_page import (
    amendments_of,
    amendments_visible,
    application_page_for_user,
    award_on_page,
    open_request_of,
)
from grants.selectors.awards import award_total, revisions, with_award_facts
from grants.selectors.deadlines import report_deadlines
from grants.selectors.finality import notices_finality, with_finality_facts
from grants.selectors.payments import payment_year_rows
from grants.selectors.proofs import report_label, report_url
from grants.selectors.reclaims import base_rate_table, reclaim_balance
from grants.selectors.scoping import (
    reclaims_visible_to,
)
from grants.selectors.timeline import case_entries, timeline_rows
from grants.services.plans import plan_lines, plan_submission_errors
from grants.views.common import AuthenticatedRequest, paginate, paginate_counted

S = ApplicationStatus
HISTORY_PAGE = 50
COMMENTS_PAGE = 20
# An award called in small amounts over five years has a hundred requests; the page shows the newest.
PAYMENT_REQUESTS_PER_PAGE = 20


def _plan_table(application: Application, lines: tuple) -> dict:
    """The plan as applied for (`lines`: its plan lines)."""
    return plan_rows(application.years, *lines)


def _binding_plan_table(award: Award, lines: tuple) -> dict:
    """The award's binding plan (as approved, or as changed by the latest Änderungsbescheid). The
    categories come from the applied plan's `lines` where they name every one the binding plan
    uses (they are the programme's), else from the programme."""
    plan = codec.decode(award.plan_snapshot)
    categories = {line.category.code: line.category for line in lines[0]}
    if any(line.category not in categories for row in plan.years for line in row.expenditures):
        categories = categories_of(award)
    expenditures, financings = plan.lines(categories)
    return plan_rows(sorted(plan.year_numbers), expenditures, financings)


# -- the panels ------------------------------------------------------------------------------------


def _review_panel(user, application: Application) -> dict | None:
    """The clerk's actions and comments, for people who review a submitted application."""
    if not user.can(Capability.REVIEW) or application.submitted_at is None:
        return None
    recommendation = None
    if application.status == S.RECOMMENDED:
        recommendation = (application.recommendations.select_related("recommended_by")
                          .prefetch_related("years").order_by("-created_at", "-pk").first())
    return {"comment_form": CommentForm(), "recommendation": recommendation}


def _decision_panel(user, application: Application) -> dict | None:
    """Approve or reject a recommended application (disabled with the reason under four eyes)."""
    if application.status != S.RECOMMENDED:
        return None
    refusal = may_application_approve(user, application)
    if refusal is not None and not refusal.shown:
        return None
    return {"refusal": refusal}


def _notices_of(application: Application) -> list[Notice]:
    return list(with_finality_facts(application.notices.select_related("ceremony", "refers_to"))
                .defer("pdf", "snapshot", "refers_to__pdf", "refers_to__snapshot")
                .order_by("issued_on", "number"))


def _notices_panel(user, application: Application, notices: list[Notice],
                   amendments: list[AmendmentRequest] | None) -> dict | None:
    """Issued notices for everyone who sees the application; the next notice to issue for people
    with signing authority."""
    kind = next_notice_kind(application, notices) if user.can(Capability.ISSUE_NOTICE) else None
    if not notices and kind is None and application.status not in (S.APPROVED, S.REJECTED):
        return None
    today = clock.today()
    rows = []
    finalities = notices_finality(notices, loaded=True)
    award = getattr(application, "award", None)
    closed = award is not None and award.is_closed  # read-only: nothing more is recorded
    may_record = may_delivery_record(user) is None and not closed
    may_act_for_body = not closed and (may_record or (user.can(Capability.APPLY)
                                                      and user.municipality_id == application.municipality_id))
    for notice in notices:
        finality = finalities[notice.pk]
        rows.append({"notice": notice, "finality": finality, "is_final": finality.is_final(today),
                     "notified_in_future": finality.notified_on is not None and finality.notified_on > today,
                     # As may_waiver_record decides, from what is loaded already.
                     "may_waive": may_act_for_body and finality.delivery is not None and finality.waiver is None,
                     "may_record": may_record and notice.ceremony_id is None,
                     "delivery_form": NoticeDeliveryForm(auto_id=f"bekanntgabe-{notice.pk}-%s"),
                     "waiver_form": RemedyWaiverForm(auto_id=f"verzicht-{notice.pk}-%s")})
    panel = {"notices": notices, "rows": rows, "show_sha": user.can(Capability.VIEW_ALL)}
    if kind is not None:
        form = NoticeIssueForm(application=application, kind=kind, notices=notices)
        # The handover ceremony is chosen on the confirmation page (its select lists every ceremony:
        # a query this page does not need).
        del form.fields["ceremony"]
        refusal = may_notice_issue(user, application, kind, refers_to=form.referable_first, amendments=amendments)
        if refusal is None or refusal.shown:
            panel |= form.page_context(application, refusal)
    return panel


def _payments_panel(http_request: HttpRequest, user, application: Application, award: Award) -> dict:
    """Per year awarded / called / paid / remaining / callable now, and the award's requests with
    the buttons the person may use – PAYMENT_REQUESTS_PER_PAGE of them a page, newest first (the
    sums and the closing check use all of them)."""
    # The award's years (with their budgets) and the award itself are the page's: joined once, not
    # again for every request (each join would decode the award's plan again).
    years = {year.pk: year for year in award.years.all()}
    requests = list(Disbursement.objects.filter(award_year__award=award)
                    .select_related("requested_by", "prepared_by", "released_by", "booked_by")
                    .order_by("-requested_at", "-pk"))
    for request in requests:
        request.award_year = years[request.award_year_id]
        request.award_year.award = award
    rows = payment_year_rows(award, disbursements=requests)
    return {
        "years": rows,
        "requests": requests,
        "requests_page": paginate(http_request, requests, PAYMENT_REQUESTS_PER_PAGE, param="abrufe"),
        "request_refusal": may_disbursement_request(user, award, year_rows=rows),
        # No money before the notice: said to the coordinator and the ministry alike.
        "waiting": None if award.is_closed else refuse_before_notice(award),
        "months": award.application.programme.funds_use_months,
        "next": reverse("grants:application_detail", args=[application.pk]),
    }


def _proofs_panel(user, application: Application, award: Award) -> dict | None:
    """The award's proofs of use with their deadlines and what the person may do with each."""
    is_coordinator = user.can(Capability.APPLY)
    if not (is_coordinator or user.can(Capability.VIEW_ALL)):
        return None
    reports = {(report.kind, report.year): report for report in award.usage_reports.all()}
    today = clock.today()
    rows = []
    for deadline in report_deadlines(award):
        report = reports.get((deadline.kind, deadline.year))
        row = {"deadline": deadline, "report": report, "label": report_label(deadline),
               "overdue": today > deadline.due and (report is None or report.submitted_at is None),
               "link": None, "link_label": None, "note": None, "editable": False}
        if is_coordinator:
            if may_usage_report_edit(user, award, report, deadline=deadline, today=today) is None:
                row.update(link=report_url(deadline, application.pk), editable=True,
                           link_label=_("Nachweis erstellen") if report is None else _("Nachweis bearbeiten"))
            elif report is not None and report.status not in UsageReport.EDITABLE_STATUSES:
                row.update(link=report_url(deadline, application.pk), link_label=_("Nachweis ansehen"))
            elif award.is_closed:
                row["note"] = _("Zuwendung abgeschlossen")
            elif report is None:
                row["note"] = _("Erstellen möglich ab %(date)s") % {
                    "date": format_date(deadline.covers_to + timedelta(days=1))}
            else:
                row.update(link=report_url(deadline, application.pk), link_label=_("Nachweis ansehen"))
        elif user.can(Capability.REVIEW) and report is not None and report.submitted_at is not None:
            checkable = may_usage_report_accept(user, report) is None
            row.update(link=reverse("grants:usage_report_check", args=[report.pk]),
                       link_label=_("Nachweis prüfen") if checkable else _("Nachweis ansehen"))
        rows.append(row)
    return {"rows": rows}


def _closing_panel(user, award: Award, reclaims: list[Reclaim], payments: list[Disbursement],
                   amendments: list[AmendmentRequest]) -> dict | None:
    """Closed: when and by whom, for everyone. Running: what still keeps it open, or the button.
    `reclaims`, `payments` and `amendments`: the award's, as the other panels loaded them."""
    if award.is_closed:
        return {"award": award, "refusal": None}
    # The ministry sees every reclaim: then the loaded ones are all there are.
    blockers = (award_closing_blockers(award, reclaims=reclaims, payments=payments, amendments=amendments)
                if user.can(Capability.REVIEW) and user.can(Capability.VIEW_ALL) else None)
    refusal = may_award_close(user, award, blockers=blockers)
    if refusal is not None and not refusal.shown:
        return None
    return {"award": award, "refusal": refusal}


def _financing_panel(user, award: Award, award_notice: Notice | None) -> dict:
    """Bewilligung may change the Finanzierungsart until the Zuwendungsbescheid is issued; after
    that the page says why it is fixed."""
    refusal = may_award_financing_change(user, award, award_notice=award_notice)
    return {"can_change": refusal is None, "refusal": refusal if refusal is not None and refusal.shown else None}


def _amendments_panel(user, award: Award, revision_rows: list[dict], amendments: list[AmendmentRequest]) -> dict | None:
    """The award's Änderungsanträge and revisions, with what the person may do. `amendments`:
    all the award's requests."""
    if not (user.can(Capability.APPLY) or user.can(Capability.VIEW_ALL)):
        return None
    current = open_request_of(amendments)
    return {
        "requests": amendments_visible(user, amendments),
        "revisions": revision_rows,
        "can_start": user.can(Capability.APPLY) and may_amendment_edit(user, award, request=current) is None,
        "period_ended": None if award.is_closed else refuse_period_ended(award),
        "draft": current if current is not None and current.status == current.Status.DRAFT else None,
        "edit_url": reverse("grants:amendment_edit", args=[award.application_id]),
    }


def _reclaims_of(user, award: Award) -> list[Reclaim]:
    return list(reclaims_visible_to(user).filter(award=award).select_related("notice")
                .defer("notice__pdf", "notice__snapshot").prefetch_related("repayments")
                .order_by("proposed_at", "pk"))


def _reclaims_panel(user, reclaims: list[Reclaim]) -> dict | None:
    """The award's reclaims: every one for the ministry, the fixed ones for the own body, with
    what is owed today."""
    if not reclaims:
        return None
    today = clock.today()
    rows = []
    rates = None  # the base-rate table, read once for every issued reclaim
    for reclaim in reclaims:
        balance, problem = None, ""
        if reclaim.status == Reclaim.Status.ISSUED:
            rates = base_rate_table() if rates is None else rates
            try:
                balance = reclaim_balance(reclaim, today, rates=rates)
            except BaseRateMissing as error:  # the base-rate table does not reach back to the interest start
                problem = error.message
        rows.append({"reclaim": reclaim, "balance": balance, "problem": problem})
    return {"rows": rows}


def _open_questions(user, award: Award, amendments: list[AmendmentRequest]) -> list[dict]:
    """The ministry's questions the body has still to answer – on a proof of use, on the
    Änderungsantrag – for the top of the page, with the link to answer where the person may."""
    rows = []
    for report in award.usage_reports.all():  # prefetched by with_award_facts
        if report.status == UsageReport.Status.QUESTIONS:
            rows.append({"label": _("Rückfragen zum %(report)s") % {"report": report}, "text": report.check_note,
                         "at": report.checked_at, "link_label": _("Rückfragen beantworten"),
                         "url": report_url(report, award.application_id)
                         if may_usage_report_submit(user, report) is None else None})
    draft = open_request_of(amendments)
    if draft is not None and draft.status == AmendmentRequest.Status.DRAFT and draft.review_note:
        rows.append({"label": _("Rückfragen zum Änderungsantrag"), "text": draft.review_note, "at": None,
                     "link_label": _("Rückfragen beantworten"),
                     "url": reverse("grants:amendment_edit", args=[award.application_id])
                     if may_amendment_edit(user, award, request=draft) is None else None})
    return rows


# -- the page --------------------------------------------------------------------------------------


def application_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    # One row: the application, its programme, body, decision and award, and what its lists hold.
    application = application_page_for_user(user, pk)
    award = award_on_page(application)
    if user.municipality_id == application.municipality_id:  # the coordinator's own body, shown in the header
        user.municipality = application.municipality
    # Loaded once and passed to every panel: the award's years, proofs and Änderungsanträge, the
    # plan lines, the notices.
    amendments: list[AmendmentRequest] = []
    if award is not None:
        with_award_facts(award)
        amendments = amendments_of(award) if cast(Any, application).has_amendments else []
    revision_rows = revisions(award, requests=amendments) if award is not None else []  # every Fassung, the latest last
    lines = plan_lines(application)
    notices = _notices_of(application)
    award_notice = next((n for n in reversed(notices) if n.kind == Notice.Kind.AWARD), None)
    if award is not None:
        cast(Any, award).has_award_notice = award_notice is not None  # read by refuse_before_notice
    is_applicant = user.can(Capability.APPLY)
    comments = application.comments.select_related("author")
    if is_applicant:
        comments = comments.filter(visibility=ApplicationComment.Visibility.APPLICANT)
    # Long histories and many comments are paged in the database, newest first.
    comments_page = paginate_counted(request, comments.order_by("-created_at", "-pk"), COMMENTS_PAGE,
                                     count=cast(Any, application).comment_count, param="kommentare")
    history_page = paginate_counted(request, case_entries(application, user), HISTORY_PAGE, param="verlauf")
    requested = grant_by_year(lines[1], application.years)
    edit_refusal = may_application_edit(user, application)
    context: dict[str, Any] = {
        "application": application,
        "award": award,
        "plan": _binding_plan_table(award, lines) if award else _plan_table(application, lines),
        "applied_plan": _plan_table(application, lines) if award else None,
        "revision": revision_rows[-1]["revision"] if revision_rows else None,
        "requested": requested,
        "requested_total": sum(requested.values()),
        "attachments": application.attachments.all() if cast(Any, application).has_attachments else [],
        "comments": comments_page.object_list,
        "comments_page": comments_page,
        "change_requests": (list(application.change_requests.select_related("requested_by", "answered_by"))
                            if cast(Any, application).has_change_requests else []),
        "history": timeline_rows(history_page.object_list),
        "history_page": history_page,
        "max_upload_mb": settings.MAX_UPLOAD_BYTES // 1_048_576,
        "award_total": award_total(award) if award else None,
        "decision": getattr(application, "decision", None),
        "is_applicant": is_applicant,
        "can_edit": edit_refusal is None,
        "can_withdraw": may_application_withdraw(user, application) is None,
        "submission_problems": plan_submission_errors(application) if is_applicant and edit_refusal is None else None,
        "review_panel": _review_panel(user, application),
        "decision_panel": _decision_panel(user, application),
        "notices_panel": _notices_panel(user, application, notices, amendments),
    }
    if award is not None:
        reclaims = _reclaims_of(user, award) if cast(Any, application).has_reclaims else []
        payments_panel = _payments_panel(request, user, application, award)
        context |= {
            "payments_panel": payments_panel,
            "proofs_panel": _proofs_panel(user, application, award),
            "closing_panel": _closing_panel(user, award, reclaims, payments_panel["requests"], amendments),
            "financing_panel": _financing_panel(user, award, award_notice),
            "amendments_panel": _amendments_panel(user, award, revision_rows, amendments),
            "reclaims_panel": _reclaims_panel(user, reclaims) if (is_applicant or user.can(Capability.VIEW_ALL))
            else None,
            "open_questions": _open_questions(user, award, amendments),
        }
        # The coordinator's actions on the grant: no page says "no actions" while one is offered.
        context["grant_actions"] = is_applicant and (
            context["payments_panel"]["request_refusal"] is None
            or bool(context["amendments_panel"] and context["amendments_panel"]["can_start"])
            or any(row["editable"] for row in (context["proofs_panel"] or {}).get("rows", [])))
    # What else the page offers the coordinator below (a Rechtsbehelfsverzicht to record).
    context["notice_actions"] = is_applicant and any(
        row["may_waive"] or row["may_record"] for row in (context["notices_panel"] or {}).get("rows", []))
    # An open request for changes stands at the top of the page until it is answered.
    context["open_change_requests"] = [cr for cr in context["change_requests"] if cr.answered_at is None]
    context["answered_change_requests"] = [cr for cr in context["change_requests"] if cr.answered_at is not None]
    return render(request, "grants/application_detail.html", context)
