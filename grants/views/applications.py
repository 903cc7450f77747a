"""Applications: the coordinator's list and form, and the detail page every role shares."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.roles import Capability
from core.errors import DomainError, FieldErrors
from grants.forms.applications import ApplicationDetailsForm, PlanGridForm
from grants.history import application_history
from grants.models import ApplicationComment, ApplicationStatus, FundingProgramme
from grants.plan.lines import FinancingSource
from core.money import ZERO
from grants.plan import codec
from grants.plan.tables import plan_rows
from grants.selectors import (
    applications_visible_to,
    award_total,
    award_year_figures,
    get_application_for_user,
)
from grants.services.applications import application_submit, application_withdraw
from grants.services.drafts import application_save
from grants.services.plans import (
    plan_lines,
    plan_submission_errors,
    requested_grant_by_year,
)
from grants.views import (
    amendments,
    closing,
    decisions,
    notices,
    payments,
    reclaims,
    review,
    usage_reports,
)
from grants.views.common import apply_domain_error, require, run_form_action

S = ApplicationStatus


def open_programmes():
    today = timezone.localdate()
    return FundingProgramme.objects.filter(accepts_applications=True).filter(
        Q(application_deadline__isnull=True) | Q(application_deadline__gte=today)).order_by("period_start")


def application_list(request: HttpRequest) -> HttpResponse:
    """The coordinator's own body's applications and awards."""
    require(request.user, Capability.APPLY)
    applications = (
        applications_visible_to(request.user)
        .select_related("award")
        .annotate(attachment_count=Count("attachments"))
        .order_by("-programme__period_start", "-created_at")
    )
    return render(request, "grants/application_list.html", {
        "applications": applications,
        "open_programmes": open_programmes(),
    })


def application_new(request: HttpRequest) -> HttpResponse:
    """Choose the open programme period to apply in (skipped when there is exactly one)."""
    require(request.user, Capability.APPLY)
    programmes = list(open_programmes())
    if len(programmes) == 1:
        return redirect("grants:application_create", code=programmes[0].code)
    return render(request, "grants/application_new.html", {"programmes": programmes})


def _form_page(request, *, programme, application=None):
    if request.method == "POST":
        details = ApplicationDetailsForm(request.POST, instance=application, programme=programme)
        grid = PlanGridForm(request.POST, programme=programme, application=application)
        answer = request.POST.get("answer", "")
        if details.is_valid() & grid.is_valid():
            expenditures, financings = grid.lines()
            try:
                application = application_save(
                    user=request.user, data=details.service_data(), expenditures=expenditures,
                    financings=financings, application=application, programme=programme)
            except DomainError as error:
                apply_domain_error(error, details, grid)
            else:
                if "submit" not in request.POST:
                    messages.success(request, _("Der Entwurf ist gespeichert."))
                    return redirect("grants:application_edit", pk=application.pk)
                try:
                    application = application_submit(application=application, user=request.user, answer=answer)
                except DomainError as error:
                    messages.warning(request, _("Der Entwurf ist gespeichert, aber noch nicht eingereicht. "
                                                "Bitte die markierten Angaben korrigieren."))
                    details = ApplicationDetailsForm(request.POST, instance=application, programme=programme)
                    grid = PlanGridForm(request.POST, programme=programme, application=application)
                    details.is_valid(), grid.is_valid()
                    apply_domain_error(error, details, grid)
                    if isinstance(error, FieldErrors) and "answer" in error.errors:
                        details.add_error(None, error.errors["answer"][0])
                else:
                    messages.success(request, _("Der Antrag ist eingereicht. Aktenzeichen: %(ref)s") % {
                        "ref": application.file_reference})
                    return redirect("grants:application_detail", pk=application.pk)
    else:
        details = ApplicationDetailsForm(instance=application, programme=programme)
        grid = PlanGridForm(programme=programme, application=application)
        answer = ""
    expenditure_rows, financing_rows = grid.rows()
    open_request = application.change_requests.filter(answered_at__isnull=True).last() if application else None
    return render(request, "grants/application_form.html", {
        "application": application, "programme": programme, "details": details, "grid": grid,
        "expenditure_rows": expenditure_rows, "financing_rows": financing_rows, "years": grid.years,
        "balance_cells": grid.balance_cells(),
        "open_request": open_request, "answer": answer,
        "attachments": application.attachments.all() if application else [],
        "max_upload_mb": settings.MAX_UPLOAD_BYTES // 1_048_576,
    })


def application_create(request: HttpRequest, code: str) -> HttpResponse:
    require(request.user, Capability.APPLY)
    programme = get_object_or_404(open_programmes(), code=code)
    return _form_page(request, programme=programme)


def application_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Capability.APPLY)
    application = get_application_for_user(request.user, pk)
    if not application.is_editable:
        messages.error(request, _("Der Antrag kann im Status „%(status)s“ nicht geändert werden.") % {
            "status": application.get_status_display()})
        return redirect("grants:application_detail", pk=application.pk)
    return _form_page(request, programme=application.programme, application=application)


def plan_table(application):
    """The plan as applied for, as rows with one amount per year, for read-only display."""
    expenditures, financings = plan_lines(application)
    return plan_rows(application.years, expenditures, financings)


def binding_plan_table(award):
    """The award's binding plan (as approved, or as changed by the latest Änderungsbescheid)."""
    categories = {c.code: c for c in award.application.programme.cost_categories.all()}
    plan = codec.decode(award.plan_snapshot)
    expenditures, financings = plan.lines(categories)
    years = sorted(plan.year_numbers)
    return plan_rows(years, expenditures, financings)


def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_application_for_user(request.user, pk)
    user = request.user
    is_applicant = user.can(Capability.APPLY)
    comments = application.comments.select_related("author")
    if is_applicant:
        comments = comments.filter(visibility=ApplicationComment.Visibility.APPLICANT)
    award = getattr(application, "award", None) if application.status == S.APPROVED else None
    revision = award.revisions.order_by("-number").first() if award else None
    context = {
        "application": application,
        "plan": binding_plan_table(award) if award else plan_table(application),
        "applied_plan": plan_table(application) if award else None,
        "revision": revision,
        "requested": requested_grant_by_year(application),
        "requested_total": sum(requested_grant_by_year(application).values()),
        "attachments": application.attachments.all(),
        "comments": comments,
        "change_requests": application.change_requests.select_related("requested_by", "answered_by"),
        "history": application_history(application, user),
        "max_upload_mb": settings.MAX_UPLOAD_BYTES // 1_048_576,
        "panels": [],
        "award": award,
        "award_total": award_total(award) if award else None,
        "award_years": award_year_figures(award) if award else None,
        "decision": getattr(application, "decision", None),
        "is_applicant": is_applicant,
        "can_edit": is_applicant and application.is_editable,
        "can_withdraw": is_applicant and application.status in (S.DRAFT, S.SUBMITTED, S.IN_REVIEW,
                                                                 S.CHANGES_REQUESTED, S.RECOMMENDED),
        "submission_problems": plan_submission_errors(application) if is_applicant and application.is_editable else None,
    }
    # The ministry's panels (review actions, decision) each add context and name the
    # partial templates to include under "panels".
    for panel in (review.detail_panel, decisions.detail_panel, notices.detail_panel, payments.detail_panel,
                  usage_reports.detail_panel, closing.detail_panel, amendments.detail_panel,
                  reclaims.detail_panel):
        extra = dict(panel(request, application) or {})
        context["panels"] += extra.pop("panels", [])
        context.update(extra)
    return render(request, "grants/application_detail.html", context)


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Grund (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


def application_withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Capability.APPLY)
    application = get_application_for_user(request.user, pk)
    form = WithdrawForm(request.POST or None)
    done = run_form_action(
        request, form, lambda data: application_withdraw(application=application, user=request.user,
                                                         reason=data["reason"]),
        success=_("Der Antrag ist zurückgezogen."), application=application)
    return done or render(request, "grants/application_withdraw.html", {"application": application, "form": form})


@require_POST
def application_submit_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Submit from the detail page (a saved draft whose plan is complete)."""
    require(request.user, Capability.APPLY)
    application = get_application_for_user(request.user, pk)
    try:
        application = application_submit(application=application, user=request.user,
                                          answer=request.POST.get("answer", ""))
    except FieldErrors as error:
        for field_messages in error.errors.values():
            for message in field_messages:
                messages.error(request, message)
        return redirect("grants:application_edit", pk=application.pk) if application.is_editable else \
            redirect("grants:application_detail", pk=application.pk)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Der Antrag ist eingereicht. Aktenzeichen: %(ref)s") % {
            "ref": application.file_reference})
    return redirect("grants:application_detail", pk=application.pk)
