"""Applications: the coordinator's list, the form (details and financing plan in one), submit and
withdraw. The application page every role shares is grants/views/detail.py."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.roles import Capability
from core import clock
from core.errors import DomainError, FieldErrors
from grants.filters import ApplicationListFilterSet
from grants.forms.applications import ApplicationDetailsForm, PlanGridForm
from grants.lists import export_response, list_context
from grants.lists.columns import APPLICATIONS
from grants.models import Application, FundingProgramme
from grants.policies import may_application_edit
from grants.policies.applications import application_start_options
from grants.selectors.confirmation import application_submit_confirmation
from grants.selectors.lists import coordinator_applications
from grants.selectors.scoping import get_application_for_user, get_attachment_for_user, get_open_programme
from grants.services.applications import (
    application_copy_from_previous,
    application_save,
    application_submit,
    application_submit_check,
    application_withdraw,
)
from grants.views.attachments import remove_attachment, upload_chosen_file
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
    """The own body's applications and awards: what the body must act on first, searched,
    filtered, sorted by any column; or their export. "Neuer Antrag" only where the body may start
    one, otherwise the reason (an application in the period already)."""
    require(request.user, Capability.APPLY)
    # With who in the ministry handles each case (the name only is shown).
    filterset = ApplicationListFilterSet(request.GET,
                                         queryset=coordinator_applications(request.user).select_related("assignee"))
    if (exported := export_response(request, APPLICATIONS, filterset.qs)) is not None:
        return exported
    page = paginate(request, filterset.qs, PAGE_SIZE)
    options = application_start_options(request.user)
    return render(request, "grants/application_list.html", {
        "applications": page.object_list, "page": page, "filterset": filterset, "start_options": options,
        "may_start": any(option.refusal is None for option in options),
        **list_context(request, APPLICATIONS, filterset),
    })


def application_new(request: AuthenticatedRequest) -> HttpResponse:
    """Choose the programme period to apply in, and whether to copy the body's application of the
    last period; where the body may not start one, why. Straight to the form when there is
    exactly one period, open to the body, and nothing to copy."""
    require(request.user, Capability.APPLY)
    options = application_start_options(request.user)
    if len(options) == 1 and options[0].refusal is None and options[0].previous is None:
        return redirect("grants:application_create", code=options[0].programme.code)
    return render(request, "grants/application_new.html", {"options": options})


@require_POST
def application_copy(request: AuthenticatedRequest, code: str) -> HttpResponse:
    """A new draft in the open period `code` as a copy of the body's earlier application."""
    require(request.user, Capability.APPLY)
    source = get_application_for_user(request.user, request.POST.get("source"))
    programme = get_open_programme(code)
    try:
        copied = application_copy_from_previous(user=request.user, programme=programme, source=source)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("grants:application_new")
    messages.success(request, _(
        "Der Antrag %(reference)s aus der Förderperiode %(old)s ist als Entwurf für %(new)s übernommen. "
        "Bitte prüfen Sie alle Angaben und Beträge; Anlagen wurden nicht übernommen.") % {
        "reference": source.file_reference or _("(Entwurf)"), "old": source.programme.period_label,
        "new": programme.period_label})
    for note in copied.omitted:
        messages.warning(request, note)
    return redirect("grants:application_edit", pk=copied.application.pk)


def _attachment_actions(request: AuthenticatedRequest, application: Application | None) -> None:
    """What the form's attachment part asks for, done on `application` (the draft just saved,
    or the stored one where the typed values could not be saved yet): upload a chosen PDF
    (with any button of the form) and remove an attachment ("entfernen")."""
    chosen = bool(request.FILES.get("file"))
    removal = request.POST.get("remove_attachment")
    if application is None:
        if chosen or "upload" in request.POST:
            messages.error(request, _("Die Anlage ist nicht hochgeladen: Dafür muss der Entwurf gespeichert werden "
                                      "können. Bitte korrigieren Sie die markierten Angaben und wählen Sie die "
                                      "Datei dann erneut aus."))
        return
    if chosen or "upload" in request.POST:
        upload_chosen_file(request, application)
    if removal:
        try:
            attachment = get_attachment_for_user(request.user, application.pk, removal)
        except Http404:
            messages.error(request, _("Die Anlage gibt es nicht mehr."))
        else:
            remove_attachment(request, attachment)


def _form_page(request: AuthenticatedRequest, *, programme: FundingProgramme, application=None,
               previous=None) -> HttpResponse:
    """The application form: details, plan and attachments in one form, so that an upload (or a
    removal) saves what was typed first – and where that cannot be saved yet, the form comes
    back with everything typed and the reasons."""
    saved = None
    if request.method == "POST":
        details = ApplicationDetailsForm(request.POST, instance=application, programme=programme)
        grid = PlanGridForm(request.POST, programme=programme, application=application)
        answer = request.POST.get("answer", "")
        if details.is_valid() & grid.is_valid():
            expenditures, financings = grid.lines()
            try:
                saved = application_save(
                    user=request.user, data=details.service_data(), expenditures=expenditures,
                    financings=financings, application=application, programme=programme)
            except DomainError as error:
                apply_domain_error(error, details, grid)
        if saved is not None and "submit" not in request.POST:
            messages.success(request, _("Der Entwurf ist gespeichert."))
        _attachment_actions(request, saved or application)
        if saved is not None:
            application = saved
            if "submit" not in request.POST:
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
        "open_request": open_request, "answer": answer, "previous": previous,
        # Shown again from a POST that could not be saved: what the form holds is not stored yet.
        "unsaved": request.method == "POST" and saved is None,
        "attachments": application.attachments.all() if application else [],
        "max_upload_mb": settings.MAX_UPLOAD_BYTES // 1_048_576,
    })


def application_create(request: AuthenticatedRequest, code: str) -> HttpResponse:
    """The blank form – unless the body may not start an application in this period: then the
    reason, before anything is typed. Where an earlier application exists, copying it is offered."""
    require(request.user, Capability.APPLY)
    programme = get_open_programme(code)
    if request.method == "POST":
        # A refusal that arises meanwhile is shown beside the typed form (nothing typed is lost).
        return _form_page(request, programme=programme)
    option = application_start_options(request.user, programmes=[programme])[0]
    if option.refusal is not None:
        return render(request, "grants/application_new.html", {"options": [option]})
    return _form_page(request, programme=programme, previous=option.previous)


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
