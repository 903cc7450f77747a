"""Applications: the coordinator's list, the form (details and financing plan in one), submit and
withdraw. The application page every role shares is grants/views/detail.py."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.roles import Capability
from core import clock
from core.errors import DomainError, FieldErrors
from grants.forms.applications import ApplicationDetailsForm, PlanGridForm
from grants.models import FundingProgramme
from grants.policies import may_application_edit
from grants.policies.applications import programmes_open_to
from grants.selectors.confirmation import application_submit_confirmation
from grants.selectors.lists import coordinator_applications, live_applications_in_open_programmes
from grants.selectors.scoping import get_application_for_user, get_open_programme
from grants.services.applications import (
    application_save,
    application_submit,
    application_submit_check,
    application_withdraw,
)
from grants.views.common import (
    AuthenticatedRequest,
    apply_domain_error,
    confirm_page,
    paginate,
    require,
    run_form_action,
)

PAGE_SIZE = 25


def application_list(request: AuthenticatedRequest) -> HttpResponse:
    """The coordinator's own body's applications and awards."""
    require(request.user, Capability.APPLY)
    page = paginate(request, coordinator_applications(request.user), PAGE_SIZE)
    return render(request, "grants/application_list.html", {
        "applications": page.object_list, "page": page,
        "open_programmes": programmes_open_to(request.user,
                                              applications=live_applications_in_open_programmes(request.user)),
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
                    application_submit_check(application=application, user=request.user, answer=answer,
                                             today=clock.today())
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
                    # Saved and complete: the confirmation page shows what is submitted; it keeps the answer.
                    request.session[_answer_key(application)] = answer
                    return redirect("grants:application_submit", pk=application.pk)
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


def _answer_key(application) -> str:
    return f"antwort-nachforderung-{application.pk}"


@require_http_methods(["GET", "POST"])
def application_submit_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """GET: the confirmation with what is submitted (body, period, grant per year and total,
    what happens); the form's "submit" button leads here after saving. POST from it: submit."""
    require(request.user, Capability.APPLY)
    application = get_application_for_user(request.user, pk)
    edit_url = reverse("grants:application_edit", args=[application.pk])
    answer = request.POST.get("answer", "") if request.method == "POST" else request.session.get(
        _answer_key(application), "")
    answer_error = None
    if request.method == "POST":
        try:
            application = application_submit(application=application, user=request.user, answer=answer)
        except FieldErrors as error:
            if set(error.errors) == {"answer"}:
                answer_error = error.errors["answer"][0]
            else:
                for field_messages in error.errors.values():
                    for message in field_messages:
                        messages.error(request, message)
                return redirect(edit_url) if application.is_editable else \
                    redirect("grants:application_detail", pk=application.pk)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("grants:application_detail", pk=application.pk)
        else:
            request.session.pop(_answer_key(application), None)
            messages.success(request, _("Der Antrag ist eingereicht. Aktenzeichen: %(ref)s") % {
                "ref": application.file_reference})
            return redirect("grants:application_detail", pk=application.pk)
    refusal = None
    try:  # the answer to a request for changes is typed on this page: its absence is no refusal here
        open_request = application_submit_check(application=application, user=request.user, answer=answer or "-",
                                                today=clock.today())
    except FieldErrors as error:
        open_request = None
        refusal = {"reason": _("Der Antrag kann so noch nicht eingereicht werden:"),
                   "details": [m for field_messages in error.errors.values() for m in field_messages],
                   "link": edit_url, "link_label": _("Antrag bearbeiten")}
    except DomainError as error:
        open_request = None
        refusal = {"reason": error.message}
    confirmation = application_submit_confirmation(application)
    return confirm_page(
        request, confirmation, refusal=refusal, template="grants/application_submit.html",
        confirm_label=_("Antrag verbindlich einreichen"), back_url=edit_url if application.is_editable else
        reverse("grants:application_detail", args=[application.pk]), back_label=_("Antrag bearbeiten"),
        application=application, open_request=open_request, answer=answer, answer_error=answer_error,
        status=400 if answer_error else 200)
