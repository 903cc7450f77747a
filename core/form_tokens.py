"""One-time form tokens: every POST form is sent at most once.

`{% csrf_token %}` (overridden by core.templatetags.form_token, a template builtin listed after
Django's own) renders a second hidden field, `form_token`, with a fresh random value. Before the
view runs, FormTokenMiddleware claims that value by inserting it into core_formsubmission (unique
column, own transaction, committed at once). A second request with the same token – a double
click, a reload of the result page, a resent request – loses the insert and is answered with
"Dieses Formular wurde bereits abgesendet" without reaching the view. When the first request did
not succeed (an error page, the form shown again with its errors, a server error), the claim is
released so that the person can correct the form and send it again.

A POST without `form_token` is handled as before: programmatic clients and the test client send
none, and CSRF protection still applies to them. The token protects people against their own
double clicks; deliberate repeats (two forms opened in two tabs) are refused by the services'
own rules and natural keys.
"""

import re
import secrets
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from core.models import FormSubmission

FIELD_NAME = "form_token"
_VALID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def new_token() -> str:
    return secrets.token_urlsafe(24)


def _token_of(request: HttpRequest) -> str | None:
    value = request.POST.get(FIELD_NAME, "")
    return value if _VALID.match(value) else None


def _succeeded(request: HttpRequest, response: HttpResponse) -> bool:
    """A redirect (the pattern of every form here: post, redirect, get) or a download the form
    produced. A form shown again (200 HTML), a refusal (4xx, or a redirect carrying an error
    message, as the views answer a domain rule) or a server error (5xx) is no success."""
    if getattr(response, "form_token_succeeded", False):  # see mark_succeeded
        return True
    queued = getattr(getattr(request, "_messages", None), "_queued_messages", [])
    if any(message.level >= messages.ERROR for message in queued):
        return False
    if response.status_code in (301, 302, 303, 307, 308):
        return True
    return 200 <= response.status_code < 300 and response.has_header("Content-Disposition")


def mark_succeeded(response: HttpResponse) -> HttpResponse:
    """For a form whose result is a page shown once instead of a redirect (a new API key's
    secret): the claim is kept, so a repeat of the form is refused rather than run again."""
    response.form_token_succeeded = True  # type: ignore[attr-defined]
    return response


def _safe_target(request: HttpRequest, url: str) -> str | None:
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
        return url
    return None


def _already_sent(request: HttpRequest, token: str) -> HttpResponse:
    """The answer to a repeat: back where the first request went (or the page the form was on),
    with a message; a 409 page when neither is known."""
    message = _("Dieses Formular wurde bereits abgesendet. Es wurde nicht noch einmal verarbeitet.")
    first = FormSubmission.objects.filter(token=token).values_list("location", flat=True).first()
    target = _safe_target(request, first or "") or _safe_target(request, request.headers.get("Referer", ""))
    if target:
        messages.warning(request, message)
        return HttpResponseRedirect(target)
    return render(request, "409.html", {"message": message}, status=409)


def _claim(request: HttpRequest, token: str) -> bool:
    cutoff = timezone.now() - timedelta(hours=settings.FORM_TOKEN_MAX_AGE_HOURS)
    try:
        with transaction.atomic():
            FormSubmission.objects.filter(created_at__lt=cutoff).delete()
            FormSubmission.objects.create(token=token, path=request.path[:2000])
    except IntegrityError:
        return False
    return True


class FormTokenMiddleware:
    """Claims the form token of a POST after CSRF has been checked (process_view) and keeps or
    releases the claim by the view's answer. Place after CsrfViewMiddleware and MessageMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            response = self.get_response(request)
        except BaseException:
            self._release(request)
            raise
        token = getattr(request, "_form_token_claimed", None)
        if token is not None:
            if _succeeded(request, response):
                location = response.get("Location", "") if response.has_header("Location") else ""
                FormSubmission.objects.filter(token=token).update(location=location[:2000])
            else:
                self._release(request)
        return response

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        if request.method != "POST":
            return None
        token = _token_of(request)
        if token is None:
            return None
        if not _claim(request, token):
            return _already_sent(request, token)
        request._form_token_claimed = token  # type: ignore[attr-defined]
        return None

    @staticmethod
    def _release(request: HttpRequest) -> None:
        token = getattr(request, "_form_token_claimed", None)
        if token is not None:
            FormSubmission.objects.filter(token=token).delete()
