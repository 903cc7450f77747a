"""Money rules under concurrent requests, on PostgreSQL with real threads.

Each service's audit write (inside its transaction, after its checks) is slowed down so
that both transactions are open at the same time: without the row locks both would pass
their checks and the budget or the award would be exceeded.
"""

from datetime import date
from decimal import Decimal

import pytest

from audit.services import audit_log
from core.errors import BudgetExceeded, InvalidTransition
from grants.models import Application, Award, AwardYear, Budget, Disbursement, NumberSequence
from grants.services.applications import application_submit
from grants.services.awards import application_approve
from grants.services.disbursements import disbursement_prepare, disbursement_release, disbursement_request
from tests import factories
from tests.concurrency import run_together, slowed

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ONE_YEAR = {"start": date(2026, 1, 1), "end": date(2026, 12, 31)}


def outcomes(results):
    return sorted(kind for kind, _ in results)


def errors_of(results):
    return [value for kind, value in results if kind == "error"]


def test_two_simultaneous_awards_exceeding_a_budget_year_only_one_succeeds(
    monkeypatch, programme, coordinator_a, coordinator_b, clerk, approver, approver2
):
    Budget.objects.filter(programme=programme, year=2026).update(amount=Decimal("150000.00"))
    first = factories.recommended_application(programme, coordinator_a, clerk, **ONE_YEAR)
    second = factories.recommended_application(programme, coordinator_b, clerk, **ONE_YEAR)
    monkeypatch.setattr("grants.services.awards.audit_log", slowed(audit_log))

    results = run_together(
        lambda: application_approve(application=first, user=approver),
        lambda: application_approve(application=second, user=approver2),
    )

    assert outcomes(results) == ["error", "ok"]
    assert isinstance(errors_of(results)[0], BudgetExceeded)
    assert "2026" in errors_of(results)[0].message
    assert Award.objects.count() == 1
    committed = sum(AwardYear.objects.filter(budget__year=2026).values_list("amount", flat=True))
    assert committed == Decimal("100000.00")
    assert Application.objects.filter(status="empfohlen").count() == 1


def test_two_simultaneous_payment_requests_exceeding_the_award_year_only_one_succeeds(
    monkeypatch, programme, coordinator_a, clerk, approver
):
    award = factories.approved_award(programme, coordinator_a, clerk, approver, **ONE_YEAR)
    monkeypatch.setattr("grants.services.disbursements.audit_log", slowed(audit_log))

    results = run_together(
        lambda: disbursement_request(award=award, year=2026, amount=Decimal("60000.00"), user=coordinator_a),
        lambda: disbursement_request(award=award, year=2026, amount=Decimal("60000.00"), user=coordinator_a),
    )

    assert outcomes(results) == ["error", "ok"]
    assert isinstance(errors_of(results)[0], BudgetExceeded)
    assert list(Disbursement.objects.values_list("amount", flat=True)) == [Decimal("60000.00")]


def test_two_simultaneous_releases_of_one_payment_release_it_once(
    monkeypatch, programme, coordinator_a, clerk, approver, approver2
):
    award = factories.approved_award(programme, coordinator_a, clerk, approver, **ONE_YEAR)
    request = disbursement_request(award=award, year=2026, amount=Decimal("50000.00"), user=coordinator_a)
    disbursement_prepare(disbursement=request, user=clerk)
    monkeypatch.setattr("grants.services.disbursements.audit_log", slowed(audit_log))

    results = run_together(
        lambda: disbursement_release(disbursement=request, user=approver),
        lambda: disbursement_release(disbursement=request, user=approver2),
    )

    assert outcomes(results) == ["error", "ok"]
    assert isinstance(errors_of(results)[0], InvalidTransition)
    request.refresh_from_db()
    assert request.status == Disbursement.Status.RELEASED
    from audit.models import AuditEntry
    assert AuditEntry.objects.filter(action="grants.disbursement.released").count() == 1


def test_simultaneous_submissions_get_distinct_consecutive_file_references(
    monkeypatch, programme, coordinator_a, coordinator_b
):
    first = factories.draft_application(programme, coordinator_a)
    second = factories.draft_application(programme, coordinator_b)
    # The sequence row exists already, as after the first submission: only its row lock
    # (not the insert of a new row) can keep the two draws apart.
    NumberSequence.objects.create(key=f"file-reference:{programme.pk}")
    monkeypatch.setattr("grants.services.applications.audit_log", slowed(audit_log))

    results = run_together(
        lambda: application_submit(application=first, user=coordinator_a),
        lambda: application_submit(application=second, user=coordinator_b),
    )

    assert outcomes(results) == ["ok", "ok"]
    references = sorted(Application.objects.values_list("file_reference", flat=True))
    assert references == ["WIR-26-0001", "WIR-26-0002"]
