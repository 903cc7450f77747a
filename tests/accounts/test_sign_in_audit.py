"""Sign-ins, failures and sign-outs are in the audit trail, on the person's account."""

from django.urls import reverse

from audit.models import AuditEntry
from tests.accounts.conftest import sign_in


def actions(user):
    return list(AuditEntry.objects.filter(object_id=user.pk).values_list("action", flat=True))


def test_sign_in_and_sign_out_through_the_pages_are_audited(client, coordinator_a):
    sign_in(client, coordinator_a)
    client.post(reverse("logout"))

    assert actions(coordinator_a) == ["accounts.sign_in.password", "accounts.sign_out"]
    entry = AuditEntry.objects.get(action="accounts.sign_in.password")
    assert entry.actor == coordinator_a and entry.data["address"] == "127.0.0.1"


def test_a_failed_sign_in_is_audited_without_an_actor(client, coordinator_a):
    sign_in(client, coordinator_a, password="falsch")

    entry = AuditEntry.objects.get(object_id=coordinator_a.pk)
    assert entry.action == "accounts.sign_in.failed" and entry.actor is None


def test_force_login_of_the_test_suite_writes_no_entry(client, coordinator_a):
    client.force_login(coordinator_a)
    assert actions(coordinator_a) == []
