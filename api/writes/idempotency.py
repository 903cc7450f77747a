"""`Idempotency-Key` on the API's POST endpoints (draft-ietf-httpapi-idempotency-key-header).

A client that is not sure its POST arrived (a timeout, a dropped connection) sends it again with
the same key and the same body and gets the first answer again – with `Idempotent-Replayed:
true` – and nothing is done twice. The same key with another body (or for another address) is
refused with 422; a repeat while the first request still runs with 409.

The claim is the one-time submission table of the form tokens (core.models.FormSubmission,
core/form_tokens.py): whoever inserts the key first handles the request; the row is committed at
once in its own transaction, so a parallel repeat finds it. As with a form, only a success keeps
the claim (then with its answer); a refused or failed request releases it, so the corrected
request can be sent with the same key. Keys are per person (the token's owner) and are kept
FORM_TOKEN_MAX_AGE_HOURS, like form tokens. Without the header a POST is handled as before; the
services' own rules (the state machine, row locks) still refuse a second submission.
"""

import functools
import hashlib
import json
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.request import Request
from rest_framework.response import Response

from api.problems import problem_response
from core.models import FormSubmission

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255
# A claim of the API, never a form token: form tokens are [A-Za-z0-9_-] only (core/form_tokens.py).
TOKEN_PREFIX = "api:"


def _token(user_pk: int, key: str) -> str:
    digest = hashlib.sha256(f"{user_pk}\n{key}".encode()).hexdigest()
    return TOKEN_PREFIX + digest[:64 - len(TOKEN_PREFIX)]


def _fingerprint(request: Request) -> str:
    """What makes two requests "the same": method, address (with query) and the body's bytes."""
    digest = hashlib.sha256()
    for part in (request.method or "").encode(), request.get_full_path().encode(), request.body:
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()


def _key_error(request: Request, key: str):
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable() or not key.isascii():
        message = _("Der Idempotency-Key muss aus 1 bis %(max)d druckbaren ASCII-Zeichen bestehen, z. B. eine "
                    "UUID.") % {"max": MAX_KEY_LENGTH}
        return problem_response(request, status=400, slug="validierung", title=_("Ungültige Angaben"),
                                detail=message, errors={HEADER: [message]})
    return None


def _claim(token: str, path: str, fingerprint: str) -> bool:
    cutoff = timezone.now() - timedelta(hours=settings.FORM_TOKEN_MAX_AGE_HOURS)
    try:
        with transaction.atomic():
            FormSubmission.objects.filter(created_at__lt=cutoff).delete()
            FormSubmission.objects.create(token=token, path=path[:2000], fingerprint=fingerprint)
    except IntegrityError:
        return False
    return True


def _repeat(request: Request, token: str, fingerprint: str):
    """The answer to a key that is claimed already."""
    claim = FormSubmission.objects.filter(token=token).values("fingerprint", "response").first()
    if claim is None:  # released (or expired) between the two statements: the first did not succeed
        return None
    if claim["fingerprint"] != fingerprint:
        return problem_response(
            request, status=422, slug="idempotency-key-wiederverwendet", title=_("Idempotency-Key schon verwendet"),
            detail=_("Dieser Idempotency-Key wurde bereits für eine andere Anfrage (andere Adresse oder anderer "
                     "Inhalt) verwendet. Bitte für jede neue Anfrage einen neuen Schlüssel senden."))
    stored = claim["response"]
    if stored is None:
        return problem_response(
            request, status=409, slug="idempotency-key-in-bearbeitung", title=_("Anfrage in Bearbeitung"),
            detail=_("Eine Anfrage mit diesem Idempotency-Key wird gerade bearbeitet. Bitte ihre Antwort abwarten; "
                     "eine Wiederholung danach erhält dieselbe Antwort."))
    headers = {REPLAYED_HEADER: "true"}
    if stored.get("location"):
        headers["Location"] = stored["location"]
    return Response(stored["body"], status=stored["status"], headers=headers)


def _keep(token: str, response) -> None:
    body = json.loads(json.dumps(response.data, cls=DjangoJSONEncoder))
    FormSubmission.objects.filter(token=token).update(response={
        "status": response.status_code, "body": body, "location": response.get("Location", "")})


def idempotent(method: Callable) -> Callable:
    """Decorates the `post` of an API view (see the module)."""

    @functools.wraps(method)
    def post(view, request: Request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None:
            return method(view, request, *args, **kwargs)
        if (refused := _key_error(request, key)) is not None:
            return refused
        token, fingerprint = _token(request.user.pk, key), _fingerprint(request)
        while not _claim(token, request.path, fingerprint):
            if (answer := _repeat(request, token, fingerprint)) is not None:
                return answer
        try:
            response = method(view, request, *args, **kwargs)
        except BaseException:
            FormSubmission.objects.filter(token=token).delete()
            raise
        if 200 <= response.status_code < 300 and isinstance(response, Response):
            _keep(token, response)
        else:
            FormSubmission.objects.filter(token=token).delete()
        return response

    return post
