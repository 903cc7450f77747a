"""Notices in the browser: issuing (with a
preview marked ENTWURF), downloading the stored PDF, and the handover ceremonies.

Issued bytes are served exactly as stored. Whether a notice may be issued (status, one award
notice per award, four-eyes) is decided by grants/policies/notices.py, for the service and
for the page alike. The "Bescheide" panel of the application page is in grants/views/detail.py.
"""

from typing import cast

from django import forms
from django.contrib import messages
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.decorators import reauthentication_required
from accounts.roles import Capability
from background.jobs import job_start
from background.models import Job
from core.errors import DomainError
from core.formats import format_date
from grants.forms.notices import CeremonyAttachForm, NoticeDeliveryForm, NoticeIssueForm, RemedyWaiverForm
from grants.models import Application, ApplicationStatus, FundingProgramme, HandoverCeremony, Notice
from grants.notices.ceremony import ceremony_bundle_title, ceremony_check_printable, ceremony_notices
from grants.policies import may_notice_issue
from grants.policies.finality import may_delivery_record
from grants.selectors.confirmation import notice_issue_confirmation
from grants.selectors.scoping import (
    get_application_for_user,
    get_ceremony_for_user,
    get_ceremony_notice,
    get_notice_for_user,
)
from grants.services.notice_deliveries import notice_delivery_record, remedy_waiver_record
from grants.services.notices import notice_attach_ceremony, notice_issue, notice_preview
from grants.views.common import AuthenticatedRequest, apply_domain_error, forbid, paginate, pdf_response, require

S = ApplicationStatus
K = Notice.Kind
CEREMONY_PAGE_SIZE = 25


# --- helpers ---------------------------------------------------------------------------------

def _kind_from(request: AuthenticatedRequest) -> str | None:
    kind = request.GET.get("art", "")
    return kind if kind in K.values else None


def _unknown_kind(request: AuthenticatedRequest, application: Application) -> HttpResponse:
    """404 that says why: the address names no kind of notice (the page's own text, since the
    site's 404 page deliberately explains nothing)."""
    return render(request, "grants/notice_unknown_kind.html", {"application": application}, status=404)


# --- issuing ------------------------------------------------------------------------------------

@reauthentication_required()
def notice_issue_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """GET shows the issue form on its own page; POST issues (and on a refusal shows it again)."""
    application = get_application_for_user(request.user, pk)
    require(request.user, Capability.ISSUE_NOTICE)
    kind = _kind_from(request)
    if kind is None:
        return _unknown_kind(request, application)
    # From the application page's form: its values (GET) fill this confirmation page's form.
    initial = {name: request.GET[name] for name in ("issued_on", "ceremony", "refers_to", "changes")
               if request.GET.get(name)}
    form = NoticeIssueForm(request.POST or None, application=application, kind=kind, initial=initial)
    refers_to = None
    if "refers_to" in form.fields:
        referable = cast(forms.ModelChoiceField, form.fields["refers_to"]).queryset
        assert referable is not None  # NoticeIssueForm sets it for an Änderungsbescheid
        refers_to = referable.first()
    refusal = may_notice_issue(request.user, application, kind, refers_to=refers_to)
    if request.method == "POST" and form.is_valid():
        try:
            notice = notice_issue(application=application, kind=kind, user=request.user, **form.service_data())
        except DomainError as error:
            apply_domain_error(error, form)
        else:
            messages.success(request, _("Der Bescheid %(number)s (%(kind)s) ist erlassen.") % {
                "number": notice.number, "kind": notice.get_kind_display()})
            return redirect("grants:application_detail", pk=application.pk)
    if refusal is not None and not refusal.shown:
        # Not this person's to take now nor later (a closed award, no award): the reason, no form.
        return render(request, "grants/notice_issue.html", {
            "application": application, "notice_kind_label": K(kind).label, "notice_blocked": refusal})
    return render(request, "grants/notice_issue.html", {
        "application": application, "confirmation": notice_issue_confirmation(application, kind),
        **form.page_context(application, refusal)})


@require_GET
def notice_preview_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The notice as it would be issued, marked ENTWURF, shown inline; nothing is stored."""
    application = get_application_for_user(request.user, pk)
    require(request.user, Capability.ISSUE_NOTICE)
    kind = _kind_from(request)
    if kind is None:
        return _unknown_kind(request, application)
    refers_to = None
    reference = request.GET.get("bezug", "")
    if kind == K.AMENDMENT and reference.isdigit():
        refers_to = application.notices.defer("pdf").filter(pk=int(reference)).first()
    try:
        pdf = notice_preview(application=application, kind=kind, user=request.user, refers_to=refers_to)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("grants:application_detail", pk=application.pk)
    response = pdf_response(pdf, f"Entwurf_{K(kind).label}_{application.file_reference}.pdf", as_attachment=False)
    patch_cache_control(response, private=True, no_store=True)
    return response


@require_GET
def notice_download(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The issued PDF, byte for byte as stored; its SHA-256 is the ETag."""
    notice = get_notice_for_user(request.user, pk)
    etag = f'"{notice.sha256}"'
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is not None:
        return not_modified
    response = pdf_response(notice.pdf, f"{notice.number}.pdf", as_attachment=True)
    response["ETag"] = etag
    patch_cache_control(response, private=True)
    return response


# --- handover ceremonies ---------------------------------------------------------------------

def _ceremony_for_user(request: AuthenticatedRequest, pk: int) -> HandoverCeremony:
    require(request.user, Capability.VIEW_ALL)
    return get_ceremony_for_user(request.user, pk)


def ceremony_list(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, Capability.VIEW_ALL)
    ceremonies = HandoverCeremony.objects.annotate(notice_count=Count("notices")).order_by("-date", "-pk")
    page = paginate(request, ceremonies, CEREMONY_PAGE_SIZE)  # newest first
    return render(request, "grants/ceremony_list.html", {
        "ceremonies": page.object_list, "page": page,
        "can_add_ceremony": request.user.is_staff and request.user.has_perm("grants.add_handoverceremony"),
    })


def _ceremony_page(request: AuthenticatedRequest, ceremony: HandoverCeremony, attach_form=None) -> HttpResponse:
    notices = ceremony_notices(ceremony)  # in print order
    can_issue = request.user.can(Capability.ISSUE_NOTICE)
    if can_issue and attach_form is None:
        attach_form = CeremonyAttachForm(ceremony=ceremony)
    return render(request, "grants/ceremony_detail.html", {
        "ceremony": ceremony,
        "ceremony_notices": notices,
        "can_issue": can_issue,
        "attach_form": attach_form if can_issue else None,
        "can_change_ceremony": request.user.is_staff and request.user.has_perm("grants.change_handoverceremony"),
    })


def ceremony_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _ceremony_page(request, _ceremony_for_user(request, pk))


@require_POST
def ceremony_attach(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    ceremony = _ceremony_for_user(request, pk)
    require(request.user, Capability.ISSUE_NOTICE)
    form = CeremonyAttachForm(request.POST, ceremony=ceremony)
    if not form.is_valid():
        return _ceremony_page(request, ceremony, form)
    notice = form.cleaned_data["notice"]
    try:
        notice_attach_ceremony(notice=notice, ceremony=ceremony, user=request.user)
    except DomainError as error:
        apply_domain_error(error, form)
        return _ceremony_page(request, ceremony, form)
    messages.success(request, _("Der Bescheid %(number)s ist der Übergabe zugeordnet.") % {"number": notice.number})
    return redirect("grants:ceremony_detail", pk=ceremony.pk)


@require_POST
def ceremony_detach(request: AuthenticatedRequest, pk: int, notice_pk: int) -> HttpResponse:
    ceremony = _ceremony_for_user(request, pk)
    require(request.user, Capability.ISSUE_NOTICE)
    notice = get_ceremony_notice(ceremony, notice_pk)
    try:
        notice_attach_ceremony(notice=notice, ceremony=None, user=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Der Bescheid %(number)s ist von der Übergabe gelöst.") % {"number": notice.number})
    return redirect("grants:ceremony_detail", pk=ceremony.pk)


def _ceremony_job(request: AuthenticatedRequest, pk: int, kind: str) -> HttpResponse:
    """Start the ceremony's document as a background job (or find the one already running) and
    show its page; a ceremony with nothing to print is a message on the ceremony page."""
    ceremony = _ceremony_for_user(request, pk)
    try:
        ceremony_check_printable(ceremony)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("grants:ceremony_detail", pk=ceremony.pk)
    job, created = job_start(user=request.user, kind=kind, target=ceremony, label=ceremony_bundle_title(ceremony))
    if not created:
        messages.info(request, _("Dieser Auftrag läuft bereits; hier sein Fortschritt."))
    return redirect("background:job_detail", pk=job.uuid)


@require_POST
def ceremony_presentation(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The presentation copies handed over at the ceremony (a background job)."""
    return _ceremony_job(request, pk, Job.Kind.CEREMONY_PRESENTATION)


@require_POST
def ceremony_bundle(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Presentation copies followed by the issued notices, as one file (a background job)."""
    return _ceremony_job(request, pk, Job.Kind.CEREMONY_BUNDLE)


@require_POST
def notice_archive_start(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Every issued notice of the programme as one ZIP with SHA256SUMS (a background job)."""
    require(request.user, Capability.VIEW_ALL)
    programme = get_object_or_404(FundingProgramme, pk=pk)
    job, created = job_start(user=request.user, kind=Job.Kind.NOTICE_ARCHIVE, target=programme,
                             label=_("Bescheide der Förderperiode %(programme)s") % {"programme": programme})
    if not created:
        messages.info(request, _("Dieser Auftrag läuft bereits; hier sein Fortschritt."))
    return redirect("background:job_detail", pk=job.uuid)


# --- Bekanntgabe and Rechtsbehelfsverzicht ---------------------------------------------------

def _back_to_notices(notice: Notice) -> HttpResponse:
    return redirect(reverse("grants:application_detail", args=[notice.application_id]) + "#bescheide")


def _form_errors_as_messages(request: AuthenticatedRequest, form: forms.Form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else str(error))


@require_POST
def notice_delivery_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Ministry staff record (or correct) how and when the notice was notified."""
    notice = get_notice_for_user(request.user, pk)
    forbid(may_delivery_record(request.user, notice))
    form = NoticeDeliveryForm(request.POST)
    if not form.is_valid():
        _form_errors_as_messages(request, form)
        return _back_to_notices(notice)
    data = form.cleaned_data
    try:
        delivery = notice_delivery_record(notice=notice, user=request.user, method=data["method"],
                                          event_on=data["event_on"], correction_reason=data["correction_reason"])
    except DomainError as error:
        apply_domain_error(error, request=request)
    else:
        messages.success(request, _("Bekanntgabe des Bescheids %(number)s erfasst: %(date)s.")
                         % {"number": notice.number, "date": format_date(delivery.notified_on)})
    return _back_to_notices(notice)


@require_POST
def notice_waiver_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The body's coordinator or ministry staff record a Rechtsbehelfsverzicht."""
    notice = get_notice_for_user(request.user, pk)
    if not (request.user.can(Capability.APPLY) or request.user.can(Capability.REVIEW)):
        forbid(may_delivery_record(request.user))
    form = RemedyWaiverForm(request.POST)
    if not form.is_valid():
        _form_errors_as_messages(request, form)
        return _back_to_notices(notice)
    data = form.cleaned_data
    try:
        remedy_waiver_record(notice=notice, user=request.user, declared_on=data["declared_on"],
                             declared_by_name=data["declared_by_name"])
    except DomainError as error:
        apply_domain_error(error, request=request)
    else:
        messages.success(request, _("Rechtsbehelfsverzicht zum Bescheid %(number)s erfasst; der Bescheid ist "
                                    "seit %(date)s bestandskräftig.")
                         % {"number": notice.number, "date": format_date(data["declared_on"])})
    return _back_to_notices(notice)
