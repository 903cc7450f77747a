"""Lockout (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one account from one
address the sign-in is refused – with the right password too – on a German page, until the
cool-off passes or an administrator unlocks it. Failures and the lockout are in the audit trail."""

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from audit.models import AuditEntry
from tests import factories
from tests.accounts.conftest import enrolled, sign_in, signed_in_fully

LOCKED = "Anmeldung vorübergehend gesperrt"


@pytest.fixture
def limit(settings):
    settings.AXES_FAILURE_LIMIT = 5
    return 5


def fail(client, user, times):
    return [sign_in(client, user, password="falsches-passwort") for _ in range(times)]


def test_wrong_passwords_below_the_limit_only_show_the_form_error(client, limit, clerk):
    responses = fail(client, clerk, limit - 1)
    assert all(r.status_code == 200 for r in responses)
    assert "_auth_user_id" not in client.session


def test_the_limit_locks_the_account_with_a_german_page(client, limit, clerk):
    responses = fail(client, clerk, limit)

    assert responses[-1].status_code == 429
    assert LOCKED in responses[-1].content.decode()
    assert "30 Minuten" in responses[-1].content.decode()


def test_a_locked_account_is_refused_even_with_the_right_password(client, limit, clerk):
    fail(client, clerk, limit)

    response = sign_in(client, clerk)

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lockout_is_by_account_and_address_together(client, limit, clerk, approver):
    fail(client, clerk, limit)

    assert sign_in(client, approver).status_code == 302  # other account, same address
    other_address = Client(REMOTE_ADDR="10.9.8.7")
    assert sign_in(other_address, clerk).status_code == 302  # same account, other address


def test_failures_and_the_lockout_are_audited_on_the_account(client, limit, clerk):
    fail(client, clerk, limit)

    actions = list(AuditEntry.objects.filter(object_id=clerk.pk).values_list("action", flat=True))
    assert actions.count("accounts.sign_in.failed") == limit
    assert "accounts.sign_in.locked_out" in actions


def test_administrator_unlocks_in_the_admin(client, settings, limit, clerk, admin_user):
    fail(client, clerk, limit)
    attempt = AccessAttempt.objects.get(username=clerk.username)
    settings.TWO_FACTOR_REQUIRED = True
    admin_client = signed_in_fully(Client(), admin_user, enrolled(admin_user))

    listing = admin_client.get(reverse("admin:axes_accessattempt_changelist"))
    assert listing.status_code == 200 and "Zugriffsversuch" in listing.content.decode()
    admin_client.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})

    assert not AccessAttempt.objects.exists()
    settings.TWO_FACTOR_REQUIRED = False
    assert sign_in(client, clerk).status_code == 302


def test_unknown_account_name_counts_too_but_leaves_no_audit_entry(client, limit, db):
    for _ in range(limit):
        response = client.post(reverse("login"), {"username": "gibt-es-nicht", "password": factories.PASSWORD})
    assert response.status_code == 429
    assert not AuditEntry.objects.filter(action__startswith="accounts.").exists()
