"""Applications: the coordinator's list, the form (details and financing plan in one), submit and
withdraw. The application page every role shares is grants/views/detail.py."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.roles import Capability
from core.errors import DomainError, FieldErrors
from grants.filters import ApplicationListFilterSet
from grants.forms.applications import ApplicationDetailsForm, PlanGridForm
from grants.lists import export_response, list_context
from grants.lists.columns import APPLICATIONS
from grants.models import FundingProgramme
from grants.policies import may_application_edit
from grants.policies.applications import programmes_open_to
from grants.selectors.lists import coordinator_applications, live_applications_in_open_programmes
from grants.selectors.scoping import get_application_for_user, get_open_programme
from grants.services.applications import application_save, application_submit, application_withdraw
from grants.views.common import AuthenticatedRequest, apply_domain_error, paginate, require, run_form_action

PAGE_SIZE = 25


def application_list(request: AuthenticatedRequest) -> HttpResponse:
    """The coordinator's own body's applications and awards: what the body must act on first,
    searched, filtered, sorted by any column; or their export."""
    require(request.user, Capability.APPLY)
    filterset = ApplicationListFilterSet(request.GET, queryset=coordinator_applications(request.user))
    if (exported := export_response(request, APPLICATIONS, filterset.qs)) is not None:
        return exported
    page = paginate(request, filterset.qs, PAGE_SIZE)
    return render(request, "grants/application_list.html", {
        "applications": page.object_list, "page": page, "filterset": filterset,
        "open_programmes": programmes_open_to(request.user,
                                              applications=live_applications_in_open_programmes(request.user)),
        **list_context(request, APPLICATIONS, filterset),
    })


def application_new(request: AuthenticatedRequest) -> HttpResponse:
    """Choose the programme period to apply in (skipped when there is exactly one)."""
    require(request.user, Capability.APPLY)
    programmes = programmes_open_to(request.user)
    if len(programmes) == 1:
        return redirect("grants:application_create", code=programmes[0].code)
    return render(request, "grants/application_new.html", {"programmes": programmes})


def _form_page(request: AuthenticatedRequest, *, programme: FundingProgramme, application=None) -> HttpResponse:
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


def application_create(request: AuthenticatedRequest, code: str) -> HttpResponse:
    require(request.user, Capability.APPLY)
    return _form_page(request, programme=get_open_programme(code))


def application_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    require(request.user, Capability.APPLY)
    application = get_application_for_user(request.user, pk)
    if may_application_edit(request.user, application) is not None:
        messages.error(request, _("Der Antrag kann im Status „%(status)s“ nicht geändert werden.") % {
            "status": application.get_status_display()})
        return redirect("grants:application_detail", pk=application.pk)
    return _form_page(request, programme=application.programme, application=application)


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Grund (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


def application_withdraw_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    require(request.user, Capability.APPLY)
    application = get_application_for_user(request.user, pk)
    form = WithdrawForm(request.POST or None)
    done = run_form_action(
        request, form, lambda data: application_withdraw(application=application, user=request.user,
                                                         reason=data["reason"]),
        success=_("Der Antrag ist zurückgezogen."),
        next_url=reverse("grants:application_detail", args=[application.pk]))
    return done or render(request, "grants/application_withdraw.html", {"application": application, "form": form})


@require_POST
def application_submit_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
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
