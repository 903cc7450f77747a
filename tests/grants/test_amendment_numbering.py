"""Änderungsanträge are numbered per award: each award's first is "Änderungsantrag 1", whatever
other awards have; the number is given under the award's lock, so requests saved at the same
moment never share or skip a number (PostgreSQL, real threads)."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from audit.services import audit_log
from background.models import OutboxMail
from grants.models import AmendmentRequest
from grants.services.amendments import amendment_send_back, amendment_withdraw
from tests.concurrency import run_together, slowed
from tests.grants.amendment_helpers import frozen, issued_award, save, submitted


def test_each_awards_first_amendment_is_number_one(client, programme, coordinator_a, coordinator_b, clerk, approver):
    first_award = issued_award(programme, coordinator_a, clerk, approver)
    second_award = issued_award(programme, coordinator_b, clerk, approver)
    with frozen():
        first = submitted(first_award, coordinator_a)
        amendment_withdraw(request=first, user=coordinator_a)
        again = save(first_award, coordinator_a)
        other = submitted(second_award, coordinator_b)
    assert (first.number, again.number, other.number) == (1, 2, 1)
    assert other.pk > again.pk  # the database id would say 3
    client.force_login(coordinator_b)
    page = client.get(reverse("grants:amendment_detail", args=[other.pk])).content.decode()
    assert "<h1 class=\"h3 mb-1\">Änderungsantrag 1</h1>" in page
    detail = client.get(reverse("grants:application_detail", args=[second_award.application_id])).content.decode()
    assert ">Änderungsantrag 1</a>" in detail and f">Änderungsantrag {other.pk}</a>" not in detail
    assert str(other).startswith("Änderungsantrag 1 – ")


def test_a_number_is_unique_per_award(programme, coordinator_a, clerk, approver):
    award = issued_award(programme, coordinator_a, clerk, approver)
    with frozen():
        first = submitted(award, coordinator_a)
        amendment_withdraw(request=first, user=coordinator_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        AmendmentRequest.objects.create(award=award, number=1, period_end=first.period_end, plan=first.plan,
                                        created_by=coordinator_a)


def test_the_mail_names_the_awards_number(programme, coordinator_a, clerk, approver):
    award = issued_award(programme, coordinator_a, clerk, approver)
    with frozen():
        request = submitted(award, coordinator_a)
        amendment_send_back(request=request, user=clerk, questions="Bitte die Verschiebung begründen.")
    mail = OutboxMail.objects.filter(event="amendment_sent_back").get()
    assert "Rückfragen zu Ihrem Änderungsantrag 1 zur Zuwendung" in mail.body_text.replace("\n", " ")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_new_amendment_saved_while_the_first_is_withdrawn_becomes_number_two(
        monkeypatch, programme, coordinator_a, clerk, approver):
    """The withdrawal holds the award's lock (slowed after its change); the new request waits
    for it, then finds nothing open and takes the next number."""
    award = issued_award(programme, coordinator_a, clerk, approver)
    with frozen():
        first = submitted(award, coordinator_a)
    monkeypatch.setattr("grants.services.amendments.audit_log", slowed(audit_log, 0.5))

    def withdraw():
        with frozen():
            return amendment_withdraw(request=first, user=coordinator_a)

    def new():
        import time

        time.sleep(0.15)  # arrives while the withdrawal holds the award
        with frozen():
            return save(award, coordinator_a)

    results = run_together(withdraw, new)

    assert [kind for kind, _ in results] == ["ok", "ok"], results
    assert sorted(AmendmentRequest.objects.filter(award=award).values_list("number", "status")) == [
        (1, AmendmentRequest.Status.WITHDRAWN), (2, AmendmentRequest.Status.DRAFT)]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_new_amendments_saved_at_once_share_one_number_and_one_request(
        monkeypatch, programme, coordinator_a, clerk, approver):
    award = issued_award(programme, coordinator_a, clerk, approver)
    monkeypatch.setattr("grants.services.amendments.audit_log", slowed(audit_log, 0.3))

    def new():
        with frozen():
            return save(award, coordinator_a)

    results = run_together(new, new)

    assert [kind for kind, _ in results] == ["ok", "ok"], results
    assert list(AmendmentRequest.objects.filter(award=award).values_list("number", flat=True)) == [1]
