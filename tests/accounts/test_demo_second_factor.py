"""The ministry demo accounts get the public demo key; `demo_otp_code` prints the code an
authenticator app with that key shows – only with DEBUG, only for the demo key."""

import pytest
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from grants.demo.accounts import DEMO_TOTP_KEY, MINISTRY_ACCOUNTS, ensure_accounts
from tests.accounts.conftest import device_code, enrolled


def test_ministry_demo_accounts_get_the_demo_key_once(db):
    ensure_accounts(MINISTRY_ACCOUNTS, None)
    ensure_accounts(MINISTRY_ACCOUNTS, None)
    keys = list(TOTPDevice.objects.filter(confirmed=True).values_list("user__username", "key"))
    assert sorted(keys) == sorted((a.username, DEMO_TOTP_KEY) for a in MINISTRY_ACCOUNTS)


def test_demo_otp_code_prints_the_current_code(db, settings, capsys):
    settings.DEBUG = True
    ensure_accounts(MINISTRY_ACCOUNTS, None)
    device = TOTPDevice.objects.get(user__username="sachbearbeitung")

    call_command("demo_otp_code", "sachbearbeitung")

    printed = capsys.readouterr().out.strip()
    assert printed in {device_code(device), device_code(device, steps_ahead=1)}  # the 30 s may just turn
    assert device.verify_token(printed)


def test_demo_otp_code_refuses_without_debug(db, settings):
    settings.DEBUG = False
    ensure_accounts(MINISTRY_ACCOUNTS, None)
    with pytest.raises(CommandError):
        call_command("demo_otp_code", "sachbearbeitung")


def test_demo_otp_code_reveals_no_real_key(db, settings, clerk):
    settings.DEBUG = True
    enrolled(clerk)
    with pytest.raises(CommandError):
        call_command("demo_otp_code", clerk.username)
