"""Helpers of the sign-in tests: codes computed from a device's key like an authenticator app
does, and a client signed in with password and second factor."""

import time
from base64 import b32decode

import pytest
from django.core.cache import cache
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.sessions import AUTHENTICATED_AT
from tests import factories


def code_from_key(key_bytes: bytes, *, steps_ahead: int = 0) -> str:
    """What an authenticator app shows for this key now (or `steps_ahead` periods of 30 s later:
    a code is accepted once, so a second sign-in in the same period takes the next one)."""
    totp = TOTP(key_bytes)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def code_from_manual_key(manual_key: str, *, steps_ahead: int = 0) -> str:
    compact = manual_key.replace(" ", "")
    return code_from_key(b32decode(compact + "=" * (-len(compact) % 8)), steps_ahead=steps_ahead)


def device_code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    return code_from_key(device.bin_key, steps_ahead=steps_ahead)


def enrolled(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator-App", confirmed=True)


def sign_in(client, user, *, password: str = factories.PASSWORD):
    """The first step through the login page (password)."""
    response = client.post(reverse("login"), {"username": user.username, "password": password})
    return response


def signed_in_fully(client, user, device: TOTPDevice, *, seconds_ago: int = 0):
    """Signed in with password and second factor `seconds_ago` seconds ago."""
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[AUTHENTICATED_AT] = int(time.time()) - seconds_ago
    session.save()
    return client


@pytest.fixture
def two_factor(settings):
    settings.TWO_FACTOR_REQUIRED = True
    settings.REAUTH_MAX_AGE_MINUTES = 15
    return settings


@pytest.fixture(autouse=True)
def empty_cache():
    """Rate-limit counters live in the cache; every test starts from zero."""
    cache.clear()
    yield
    cache.clear()
