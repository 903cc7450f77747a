"""Token authentication of the REST API: `Authorization: Bearer <secret>`.

The secret is hashed and looked up by its hash; a revoked or expired token, or one whose person
has been deactivated, is refused with 401 and a German reason. The API knows no session: a
browser's sign-in cookie opens nothing here, so there is no CSRF question either.
"""

from datetime import timedelta

from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from api.models import ApiToken, hash_secret
from core import clock

KEYWORD = "Bearer"
# last_used_at is written at most once a minute, not on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class BearerTokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request: Request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != KEYWORD.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                _("Der Authorization-Kopf muss die Form „Bearer <Schlüssel>“ haben."))
        try:
            secret = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("Der API-Schlüssel enthält unzulässige Zeichen.")) from None
        return self.authenticate_secret(secret)

    def authenticate_secret(self, secret: str):
        token = ApiToken.objects.select_related("user", "user__municipality").filter(
            secret_hash=hash_secret(secret)).first()
        if token is None:
            raise exceptions.AuthenticationFailed(_("Der API-Schlüssel ist unbekannt."))
        if token.is_revoked:
            raise exceptions.AuthenticationFailed(_("Der API-Schlüssel wurde widerrufen."))
        if token.is_expired:
            raise exceptions.AuthenticationFailed(_("Der API-Schlüssel ist abgelaufen."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("Das Benutzerkonto zu diesem API-Schlüssel ist deaktiviert."))
        now = clock.now()
        if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return f'{KEYWORD} realm="api"'
