"""Creating and revoking personal API tokens (the only state changes of the api app)."""

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from api.models import PREFIX_LENGTH, ApiToken, hash_secret, new_secret
from audit.services import audit_log
from core import clock
from core.errors import FieldErrors, InvalidTransition, NotPermitted

NAME_MAX_LENGTH = ApiToken._meta.get_field("name").max_length


def api_token_create(*, user: User, name: str, expires_on: date | None) -> tuple[ApiToken, str]:
    """A new token for `user`; returns it with its secret, which is nowhere stored and can only be
    shown now."""
    name = (name or "").strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Bitte eine Bezeichnung angeben, z. B. den Namen des Systems.")]
    elif NAME_MAX_LENGTH and len(name) > NAME_MAX_LENGTH:
        errors["name"] = [_("Die Bezeichnung darf höchstens %(max)d Zeichen lang sein.") % {"max": NAME_MAX_LENGTH}]
    if expires_on is not None and expires_on < clock.today():
        errors["expires_on"] = [_("Das Ablaufdatum darf nicht in der Vergangenheit liegen.")]
    if errors:
        raise FieldErrors(errors)
    if not user.is_active:
        raise NotPermitted(_("Ein deaktiviertes Konto kann keine API-Schlüssel anlegen."))
    secret = new_secret()
    with transaction.atomic():
        token = ApiToken.objects.create(user=user, name=name, prefix=secret[:PREFIX_LENGTH],
                                        secret_hash=hash_secret(secret), expires_on=expires_on)
        audit_log(actor=user, action="api.token.created", target=token,
                  data={"name": name, "prefix": token.prefix,
                        "expires_on": expires_on.isoformat() if expires_on else None})
    return token, secret


def api_token_revoke(*, token: ApiToken, user: User) -> ApiToken:
    """Revokes `token` at once; only its owner may (the admin can deactivate the person)."""
    if token.user_id != user.pk:
        raise NotPermitted(_("Nur die Inhaberin oder der Inhaber kann einen API-Schlüssel widerrufen."))
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at is not None:
            raise InvalidTransition(_("Dieser API-Schlüssel ist bereits widerrufen."))
        locked.revoked_at = clock.now()
        locked.save(update_fields=["revoked_at"])
        audit_log(actor=user, action="api.token.revoked", target=locked,
                  changes={"revoked_at": [None, locked.revoked_at]}, data={"name": locked.name,
                                                                            "prefix": locked.prefix})
    return locked
