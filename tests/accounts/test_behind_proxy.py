"""Behind reverse proxies (TRUSTED_PROXY_HOPS) every request reaches the app from the proxy's
address: the lockout and the audit trail must count the client's address from X-Forwarded-For,
and never believe what a client writes into that header itself."""

import pytest
from django.test import Client, RequestFactory

from audit.models import AuditEntry
from ops.client_address import client_address
from tests.accounts.conftest import sign_in

PROXY = "10.0.0.2"


def request(forwarded: str | None = None):
    made = RequestFactory().get("/", REMOTE_ADDR=PROXY)
    if forwarded is not None:
        made.META["HTTP_X_FORWARDED_FOR"] = forwarded
    return made


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXY_HOPS = 0
    assert client_address(request("203.0.113.7")) == PROXY


def test_one_proxy_the_client_is_the_last_entry_and_a_forged_first_entry_is_ignored(settings):
    settings.TRUSTED_PROXY_HOPS = 1
    assert client_address(request("6.6.6.6, 203.0.113.7")) == "203.0.113.7"


def test_two_proxies_the_client_is_the_second_entry_from_the_right(settings):
    settings.TRUSTED_PROXY_HOPS = 2
    assert client_address(request("6.6.6.6, 203.0.113.7, 10.0.0.1")) == "203.0.113.7"


@pytest.mark.parametrize("forwarded", [None, "", "kein-adresse", "203.0.113.7"])
def test_a_missing_short_or_malformed_header_falls_back_to_the_connection(settings, forwarded):
    settings.TRUSTED_PROXY_HOPS = 2
    assert client_address(request(forwarded)) == PROXY


@pytest.mark.django_db
def test_lockout_behind_a_proxy_hits_the_client_not_everyone_behind_the_proxy(settings, clerk):
    settings.TRUSTED_PROXY_HOPS = 1
    settings.AXES_FAILURE_LIMIT = 3
    attacker = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.66")
    colleague = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.7")

    responses = [sign_in(attacker, clerk, password="falsches-passwort") for _ in range(3)]

    assert responses[-1].status_code == 429
    assert sign_in(colleague, clerk).status_code == 302  # same account, same proxy, other client
    lockout = AuditEntry.objects.get(action="accounts.sign_in.locked_out")
    assert lockout.data["address"] == "198.51.100.66"
