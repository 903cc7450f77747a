"""The second factor: who needs one, enrolment of an authenticator app (TOTP), one-time backup
codes, the code check at sign-in, and the administrator's reset for a lost phone.

Devices are django-otp's: one confirmed `TOTPDevice` per person and one `StaticDevice` holding
the backup codes (each accepted once: django-otp deletes a used code). Every change writes an
audit entry on the person.
"""

from base64 import b32encode

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from accounts.roles import Role
from audit.services import audit_log
from core.errors import DomainError

BACKUP_CODE_COUNT = 10
TOTP_DEVICE_NAME = "Authenticator-App"
BACKUP_DEVICE_NAME = "Backup-Codes"

MINISTRY_ROLES = frozenset({Role.SACHBEARBEITUNG, Role.BEWILLIGUNG, Role.PROGRAMMVERWALTUNG})


def is_ministry(user: User) -> bool:
    """Ministry staff and anyone with access to the administration (the roles the state signs with)."""
    return user.role in MINISTRY_ROLES or user.is_staff or user.is_superuser


def has_second_factor(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def second_factor_required(user: User) -> bool:
    """Ministry staff need a second factor (unless switched off by TWO_FACTOR_REQUIRED); a
    coordinator who enrolled one is asked for it too."""
    return (settings.TWO_FACTOR_REQUIRED and is_ministry(user)) or has_second_factor(user)


def totp_pending_device(user: User) -> TOTPDevice:
    """The not yet confirmed device of an enrolment in progress (created on first call, so
    reloading the page keeps the key the person may already have scanned)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)


def _new_backup_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=BACKUP_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _i in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def totp_enrol(*, user: User, token: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm the pending device with its first code; returns it and the new backup codes
    (shown once, never again)."""
    with transaction.atomic():
        User.objects.select_for_update().get(pk=user.pk)
        if has_second_factor(user):
            raise DomainError(_("Für dieses Konto ist bereits ein zweiter Faktor eingerichtet."))
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("pk").first()
        if device is None:
            raise DomainError(_("Die Einrichtung ist abgelaufen; bitte laden Sie die Seite neu."))
        if not device.verify_token(token.strip()):
            raise DomainError(_("Der Code stimmt nicht. Bitte geben Sie den aktuellen sechsstelligen Code "
                                "aus der App ein."))
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        codes = _new_backup_codes(user)
        audit_log(actor=user, action="accounts.second_factor.enrolled", target=user,
                  data={"device": device.name, "backup_codes": len(codes)})
    return device, codes


def backup_codes_renew(*, user: User) -> list[str]:
    """New backup codes; the old ones stop working at once."""
    with transaction.atomic():
        User.objects.select_for_update().get(pk=user.pk)
        if not has_second_factor(user):
            raise DomainError(_("Backup-Codes gibt es erst, wenn ein zweiter Faktor eingerichtet ist."))
        codes = _new_backup_codes(user)
        audit_log(actor=user, action="accounts.second_factor.backup_codes_renewed", target=user,
                  data={"backup_codes": len(codes)})
    return codes


def backup_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user).count()


def second_factor_verify(*, user: User, token: str) -> Device | None:
    """The confirmed device (app or backup code) that accepts the code, or None. A failed code
    counts against django-otp's throttling of each device and is audited."""
    token = token.strip().replace(" ", "")
    verified: Device | None = None
    if token:
        with transaction.atomic():
            devices: list[Device] = [*TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True),
                                     *StaticDevice.objects.select_for_update().filter(user=user, confirmed=True)]
            verified = next((device for device in devices if device.verify_token(token)), None)
    if verified is None:
        audit_log(actor=user, action="accounts.second_factor.failed", target=user)
    elif isinstance(verified, StaticDevice):
        audit_log(actor=user, action="accounts.second_factor.backup_code_used", target=user,
                  data={"backup_codes_left": backup_codes_left(user)})
    return verified


def may_reset_second_factors(actor: User) -> bool:
    return actor.is_active and (actor.is_superuser or actor.role == Role.PROGRAMMVERWALTUNG)


def enrolled_devices():
    """Every confirmed authenticator device with its person, by user name (the reset page)."""
    return (TOTPDevice.objects.filter(confirmed=True).select_related("user", "user__municipality")
            .order_by("user__username", "pk"))


def second_factor_reset(*, user: User, actor: User) -> int:
    """Remove every device of the person (lost phone): at the next sign-in they enrol again.
    Returns how many devices were removed."""
    if not may_reset_second_factors(actor):
        raise DomainError(_("Nur die Programmverwaltung oder ein Administrator kann den zweiten Faktor "
                            "zurücksetzen."))
    with transaction.atomic():
        User.objects.select_for_update().get(pk=user.pk)
        removed = TOTPDevice.objects.filter(user=user).delete()[1].get("otp_totp.TOTPDevice", 0)
        removed += StaticDevice.objects.filter(user=user).delete()[1].get("otp_static.StaticDevice", 0)
        audit_log(actor=actor, action="accounts.second_factor.reset", target=user, data={"devices": removed})
    return removed


def manual_key(device: TOTPDevice) -> str:
    """The key as the apps want it typed: base32, in groups of four."""
    key = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(key[i:i + 4] for i in range(0, len(key), 4))

