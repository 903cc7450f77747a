"""Every error of the REST API as RFC 9457 problem details (`application/problem+json`).

    {"type": "urn:wir-foerderung:problem:validierung", "title": "Ungültige Angaben", "status": 400,
     "detail": "Die Angaben sind nicht zulässig: …", "instance": "/api/v1/…",
     "errors": {"amount": ["Der Betrag darf nicht negativ sein."]}}

`errors` (field key → German messages) accompanies the refusals of input and of domain rules; the
key "non_field_errors" holds what concerns no single field. The answer is a plain JSON response,
independent of the view's renderers, so a PDF endpoint answers its errors as JSON too.
"""

import json
import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rest_framework import exceptions
from rest_framework.settings import api_settings
from rest_framework.views import set_rollback

from core.errors import BudgetExceeded, DomainError, FieldErrors, InvalidTransition, NotPermitted

logger = logging.getLogger("django.request")

CONTENT_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:wir-foerderung:problem:"


def problem_response(request: HttpRequest | None, *, status: int, slug: str, title: str, detail: str,
                     errors: dict[str, list[str]] | None = None,
                     headers: dict[str, str] | None = None) -> HttpResponse:
    body: dict[str, Any] = {"type": TYPE_PREFIX + slug, "title": title, "status": status, "detail": detail}
    if request is not None:
        body["instance"] = request.path
    if errors is not None:
        body["errors"] = errors
    response = HttpResponse(json.dumps(body, cls=DjangoJSONEncoder, ensure_ascii=False), status=status,
                            content_type=CONTENT_TYPE, headers=headers)
    return response


def flatten_errors(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested validation detail as {"field": [...], "lines.0.amount": [...]}."""
    non_field = api_settings.NON_FIELD_ERRORS_KEY
    result: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if key == non_field and prefix:
                name = prefix
            for sub_key, messages in flatten_errors(value, name).items():
                result.setdefault(sub_key, []).extend(messages)
    elif isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            result[prefix or non_field] = [str(item) for item in detail]
        else:
            for index, item in enumerate(detail):
                if item:
                    name = f"{prefix}.{index}" if prefix else str(index)
                    for sub_key, messages in flatten_errors(item, name).items():
                        result.setdefault(sub_key, []).extend(messages)
    else:
        result[prefix or non_field] = [str(detail)]
    return result


def _summary(errors: dict[str, list[str]]) -> str:
    return " ".join(message for messages in errors.values() for message in messages)


# status → (slug, title, default German detail) for DRF's and Django's exceptions.
def _http_problems() -> dict[int, tuple[str, str, str]]:
    return {
        400: ("ungueltige-anfrage", _("Ungültige Anfrage"), _("Die Anfrage ist nicht zulässig.")),
        401: ("nicht-angemeldet", _("Nicht angemeldet"),
              _("Für diese Anfrage ist ein gültiger API-Schlüssel nötig (Authorization: Bearer <Schlüssel>).")),
        403: ("keine-berechtigung", _("Keine Berechtigung"), _("Sie dürfen diese Aktion nicht ausführen.")),
        404: ("nicht-gefunden", _("Nicht gefunden"), _("Das angefragte Objekt gibt es nicht.")),
        405: ("methode-nicht-erlaubt", _("Methode nicht erlaubt"),
              _("Diese HTTP-Methode ist für diese Adresse nicht erlaubt.")),
        406: ("nicht-lieferbar", _("Format nicht lieferbar"),
              _("Die Antwort kann nicht im verlangten Format (Accept-Kopf) geliefert werden.")),
        409: ("konflikt", _("Konflikt"), _("Die Aktion passt nicht zum Stand des Objekts.")),
        413: ("zu-gross", _("Anfrage zu groß"), _("Die Anfrage ist zu groß.")),
        415: ("format-nicht-unterstuetzt", _("Format nicht unterstützt"),
              _("Das Format des Anfrageinhalts (Content-Type) wird nicht unterstützt.")),
        422: ("regel-verletzt", _("Nicht zulässig"), _("Eine Regel lässt diese Aktion nicht zu.")),
        429: ("zu-viele-anfragen", _("Zu viele Anfragen"), _("Zu viele Anfragen mit diesem API-Schlüssel.")),
    }


def _from_domain_error(exc: DomainError, request) -> HttpResponse:
    if isinstance(exc, FieldErrors):
        return problem_response(request, status=400, slug="validierung", title=_("Ungültige Angaben"),
                                detail=exc.message, errors=exc.errors)
    errors = {api_settings.NON_FIELD_ERRORS_KEY: [exc.message]}
    if isinstance(exc, NotPermitted):
        return problem_response(request, status=403, slug="keine-berechtigung", title=_("Keine Berechtigung"),
                                detail=exc.message, errors=errors)
    if isinstance(exc, InvalidTransition):
        return problem_response(request, status=409, slug="ungueltiger-zustand", title=_("Nicht im passenden Stand"),
                                detail=exc.message, errors=errors)
    if isinstance(exc, BudgetExceeded):
        return problem_response(request, status=409, slug="mittel-ueberschritten",
                                title=_("Mittel überschritten"), detail=exc.message, errors=errors)
    return problem_response(request, status=422, slug="regel-verletzt", title=_("Nicht zulässig"),
                            detail=exc.message, errors=errors)


def _detail_text(exc: exceptions.APIException, default: str) -> str:
    detail = exc.detail
    if isinstance(detail, list | dict):
        return default
    text = str(detail)
    # DRF's own English default, when its translation is missing: ours instead.
    return default if text == str(exc.default_detail) and not isinstance(exc, exceptions.Throttled) else text


def exception_handler(exc: Exception, context: dict) -> HttpResponse:
    """REST_FRAMEWORK["EXCEPTION_HANDLER"]: a problem response for every error. Anything but a
    known refusal is a programming error: logged with its traceback, answered 500 as a problem
    (a client of the API never gets the HTML error page)."""
    request = context.get("request")
    if isinstance(exc, DomainError):
        set_rollback()
        return _from_domain_error(exc, request)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(*exc.args)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)
    if not isinstance(exc, exceptions.APIException):
        set_rollback()
        logger.error("Interner Fehler der API: %s", request.path if request is not None else "", exc_info=exc)
        return problem_response(request, status=500, slug="interner-fehler", title=_("Interner Fehler"),
                                detail=_("Bei der Bearbeitung ist ein Fehler aufgetreten. Er wurde protokolliert; "
                                         "bitte versuchen Sie es später erneut."))
    set_rollback()
    headers: dict[str, str] = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = str(getattr(exc, "auth_header", ""))
    status = exc.status_code
    slug, title, default = _http_problems().get(status, ("fehler", _("Fehler"), _("Die Anfrage ist gescheitert.")))
    if isinstance(exc, exceptions.ValidationError):
        errors = flatten_errors(exc.detail)
        return problem_response(request, status=status, slug="validierung", title=_("Ungültige Angaben"),
                                detail=_("Die Angaben sind nicht zulässig: %(errors)s") % {"errors": _summary(errors)},
                                errors=errors, headers=headers)
    if isinstance(exc, exceptions.Throttled):
        wait = int(exc.wait) if exc.wait is not None else None
        if wait is not None:
            headers["Retry-After"] = str(wait)
            detail = ngettext(
                "Zu viele Anfragen mit diesem API-Schlüssel. Bitte in %(wait)d Sekunde erneut versuchen.",
                "Zu viele Anfragen mit diesem API-Schlüssel. Bitte in %(wait)d Sekunden erneut versuchen.",
                wait) % {"wait": wait}
        else:
            detail = default
        return problem_response(request, status=status, slug=slug, title=title, detail=detail, headers=headers)
    if isinstance(exc, exceptions.MethodNotAllowed) and request is not None:
        detail = _("Die Methode %(method)s ist für diese Adresse nicht erlaubt.") % {"method": request.method}
    elif isinstance(exc, exceptions.UnsupportedMediaType) and request is not None:
        detail = _("Das Format „%(type)s“ wird nicht unterstützt; bitte application/json senden.") % {
            "type": request.content_type}
    elif isinstance(exc, exceptions.ParseError):
        detail = _("Der Inhalt der Anfrage ist kein gültiges JSON.")
    elif isinstance(exc, exceptions.NotAuthenticated):
        detail = default
    else:
        detail = _detail_text(exc, default)
    return problem_response(request, status=status, slug=slug, title=title, detail=detail, headers=headers)


def not_found(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    """Any address under /api/v1/ that names no endpoint."""
    slug, title, _default = _http_problems()[404]
    return problem_response(request, status=404, slug=slug, title=title,
                            detail=_("Unter dieser Adresse gibt es keinen Endpunkt der API. Die Adressen der API "
                                      "enden mit „/“ (Übersicht: /api/v1/docs/)."))
