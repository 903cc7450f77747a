"""The legal pages (public: no sign-in), the feedback form of the accessibility statement
(public, rate-limited), and the programme administration's editing of the texts."""

import hashlib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import User
from accounts.roles import Capability
from core.errors import DomainError, FieldErrors
from core.rate_limits import over_limit
from grants.views.common import AuthenticatedRequest
from legal.forms import AccessibilityFeedbackForm, LegalPageForm
from legal.models import LegalPage
from legal.selectors import feedback_recent, legal_pages_overview, legal_text, legal_versions
from legal.services import accessibility_feedback_submit, legal_page_publish
from legal.text import render_legal_text
from ops.client_address import client_address

KIND = LegalPage.Kind


def _show(request: HttpRequest, kind: str) -> HttpResponse:
    text = legal_text(kind)
    return render(request, "legal/page.html", {
        "kind": kind, "text": text, "html": render_legal_text(text.body),
        "may_edit": request.user.is_authenticated and request.user.can(Capability.MANAGE_PROGRAMME),
    })


@login_not_required
@require_GET
def impressum(request: HttpRequest) -> HttpResponse:
    return _show(request, KIND.IMPRESSUM)


@login_not_required
@require_GET
def datenschutz(request: HttpRequest) -> HttpResponse:
    return _show(request, KIND.DATENSCHUTZ)


@login_not_required
@require_GET
def barrierefreiheit(request: HttpRequest) -> HttpResponse:
    return _show(request, KIND.BARRIEREFREIHEIT)


def _feedback_over_limit(request: HttpRequest) -> bool:
    # The address only as a hash, and only in the cache for the hour the count runs.
    address = hashlib.sha256(client_address(request).encode()).hexdigest()
    return over_limit(f"wf:legal:feedback:{address}", settings.LEGAL_FEEDBACK_LIMIT_PER_ADDRESS)


@login_not_required
@require_http_methods(["GET", "POST"])
def feedback(request: HttpRequest) -> HttpResponse:
    status = 200
    if request.method == "POST":
        form = AccessibilityFeedbackForm(request.POST)
        if form.is_valid():
            if _feedback_over_limit(request):
                form.add_error(None, _(
                    "Von Ihrem Anschluss wurden in der letzten Stunde zu viele Rückmeldungen gesendet. Bitte "
                    "versuchen Sie es in einer Stunde erneut oder schreiben Sie an die im Impressum genannte "
                    "Anschrift."))
                status = 429
            else:
                if not form.is_spam():
                    data = form.cleaned_data
                    accessibility_feedback_submit(
                        message=data["message"], name=data["name"], email=data["email"],
                        page_address=data["page_address"],
                        user=request.user if isinstance(request.user, User) else None)
                messages.success(request, _("Vielen Dank. Ihre Rückmeldung ist bei der Programmverwaltung "
                                            "eingegangen."))
                return redirect("legal:barrierefreiheit")
    else:
        form = AccessibilityFeedbackForm(initial={"page_address": request.GET.get("seite", "")[:500]})
    return render(request, "legal/feedback.html", {"form": form}, status=status)


def _require_programme_administration(request: AuthenticatedRequest) -> None:
    if not request.user.can(Capability.MANAGE_PROGRAMME):
        raise PermissionDenied(_("Nur die Programmverwaltung kann die Rechtstexte bearbeiten."))


@require_GET
def admin_overview(request: AuthenticatedRequest) -> HttpResponse:
    _require_programme_administration(request)
    return render(request, "legal/admin_overview.html", {
        "pages": legal_pages_overview(), "feedback": feedback_recent(),
    })


@require_http_methods(["GET", "POST"])
def legal_edit(request: AuthenticatedRequest, kind: str) -> HttpResponse:
    _require_programme_administration(request)
    if kind not in KIND.values:
        raise Http404
    current = legal_text(kind)
    if request.method == "POST":
        form = LegalPageForm(request.POST)
        if form.is_valid():
            try:
                version = legal_page_publish(kind=kind, user=request.user, **form.cleaned_data)
            except FieldErrors as error:
                for field, field_errors in error.errors.items():
                    for message in field_errors:
                        form.add_error(field if field in form.fields else None, message)
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Fassung %(number)s von „%(title)s“ ist veröffentlicht.")
                                 % {"number": version.number, "title": version.title})
                return redirect("legal:edit", kind=kind)
    else:
        form = LegalPageForm(initial={"title": current.title, "body": current.body})
    return render(request, "legal/edit.html", {
        "kind": kind, "label": KIND(kind).label, "form": form, "current": current,
        "html": render_legal_text(current.body), "versions": legal_versions(kind),
        "public_url": f"legal:{kind}",
    })
