from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.models import AuditEntry
from audit.selectors import audit_entries_for
from core.errors import BudgetExceeded, FieldErrors, InvalidTransition, NotPermitted
from grants.models import ApplicationStatus, Award, AwardYear, Budget, Decision
from grants.services.awards import application_approve, application_reject
from grants.services.reviews import application_recommend
from tests import factories

S = ApplicationStatus
FULL = {year: Decimal("100000.00") for year in range(2026, 2031)}
CUT = FULL | {2026: Decimal("80000.00")}


@pytest.fixture
def recommended(programme, coordinator_a, clerk):
    return factories.recommended_application(programme, coordinator_a, clerk)


@pytest.fixture
def recommended_with_cut(programme, coordinator_a, clerk):
    return factories.recommended_application(programme, coordinator_a, clerk, amounts=CUT,
                                             justification="Anlaufphase im ersten Jahr.")


def recommended_by_approver(programme, coordinator, clerk, approver):
    application = factories.in_review_application(programme, coordinator, clerk)
    application_recommend(application=application, user=approver, amounts=FULL)
    application.refresh_from_db()
    return application


def assert_nothing_decided(application, status=S.RECOMMENDED):
    application.refresh_from_db()
    assert application.status == status
    assert not Decision.objects.filter(application=application).exists()
    assert not Award.objects.filter(application=application).exists()
    assert not AwardYear.objects.filter(award__application=application).exists()


# --- approve -----------------------------------------------------------------------------

def test_approval_creates_the_award_with_the_recommended_amounts(recommended_with_cut, approver):
    award = application_approve(application=recommended_with_cut, user=approver)

    recommended_with_cut.refresh_from_db()
    assert recommended_with_cut.status == S.APPROVED
    assert award.status == Award.Status.RUNNING
    assert (award.period_start, award.period_end) == (recommended_with_cut.period_start,
                                                      recommended_with_cut.period_end)
    assert dict(award.years.values_list("budget__year", "amount")) == CUT


def test_approval_records_decider_and_recommender(recommended, clerk, approver):
    now = timezone.now()

    award = application_approve(application=recommended, user=approver, now=now)

    decision = award.decision
    assert (decision.application, decision.outcome, decision.decided_by, decision.recommended_by) == (
        recommended, Decision.Outcome.APPROVED, approver, clerk)
    assert decision.recommendation == recommended.recommendations.get()
    assert decision.decided_at == now


def test_approval_commits_each_year_against_that_years_budget(recommended, approver, programme):
    award = application_approve(application=recommended, user=approver)

    for award_year in award.years.select_related("budget"):
        assert award_year.budget.programme == programme
        assert award_year.budget.year == award_year.year


def test_approval_writes_audit_entries_for_application_and_award(recommended_with_cut, approver):
    award = application_approve(application=recommended_with_cut, user=approver)

    approved = audit_entries_for(recommended_with_cut).get(action="grants.application.approved")
    assert approved.actor == approver
    assert approved.changes == {"status": ["empfohlen", "bewilligt"]}
    assert approved.data["total"] == "480000.00"
    assert approved.data["amounts"]["2026"] == "80000.00"
    created = audit_entries_for(award).get(action="grants.award.created")
    assert (created.actor, created.changes) == (approver, {"status": [None, "laufend"]})


def test_snapshot_keeps_each_year_balanced_with_the_cut_carried_by_own_funds(recommended_with_cut, approver):
    award = application_approve(application=recommended_with_cut, user=approver)

    years = {row["year"]: row for row in award.plan_snapshot["years"]}
    assert sorted(years) == [2026, 2027, 2028, 2029, 2030]
    assert years[2026]["financing"]["zuwendung"] == "80000.00"
    assert years[2026]["financing"]["eigenmittel"] == "50000.00"
    assert years[2026]["reduction"] == "20000.00"
    assert years[2027]["financing"]["eigenmittel"] == "30000.00"
    assert years[2027]["reduction"] == "0.00"
    for row in years.values():
        spent = sum(Decimal(e["amount"]) for e in row["expenditures"])
        financed = sum(Decimal(amount) for amount in row["financing"].values())
        assert spent == financed == Decimal("130000.00")


def test_snapshot_is_not_rewritten_by_later_changes_to_the_plan(recommended, approver):
    award = application_approve(application=recommended, user=approver)
    recommended.expenditures.all().delete()

    award.refresh_from_db()
    assert len(award.plan_snapshot["years"][0]["expenditures"]) == 3


def test_approver_who_recommended_cannot_approve(programme, coordinator_a, clerk, approver):
    application = recommended_by_approver(programme, coordinator_a, clerk, approver)
    entries_before = AuditEntry.objects.count()

    with pytest.raises(NotPermitted, match="Vier-Augen-Prinzip"):
        application_approve(application=application, user=approver)

    assert_nothing_decided(application)
    assert AuditEntry.objects.count() == entries_before


def test_second_approver_may_approve_what_the_first_recommended(programme, coordinator_a, clerk, approver,
                                                                approver2):
    application = recommended_by_approver(programme, coordinator_a, clerk, approver)

    award = application_approve(application=application, user=approver2)

    assert (award.decision.decided_by, award.decision.recommended_by) == (approver2, approver)


@pytest.mark.parametrize("user", ["clerk2", "coordinator_a", "programme_admin"])
def test_approval_needs_decision_authority(recommended, user, request):
    with pytest.raises(NotPermitted, match="Nur Personen mit Bewilligungsbefugnis"):
        application_approve(application=recommended, user=request.getfixturevalue(user))

    assert_nothing_decided(recommended)


def test_application_not_recommended_cannot_be_approved(programme, coordinator_a, clerk, approver):
    application = factories.in_review_application(programme, coordinator_a, clerk)

    with pytest.raises(InvalidTransition, match="Die Bewilligung ist im Status „In Prüfung“ nicht möglich"):
        application_approve(application=application, user=approver)

    assert_nothing_decided(application, status=S.IN_REVIEW)


def test_application_cannot_be_approved_twice(recommended, approver, approver2):
    application_approve(application=recommended, user=approver)

    with pytest.raises(InvalidTransition, match="Bewilligt"):
        application_approve(application=recommended, user=approver2)

    assert Award.objects.count() == 1
    assert AwardYear.objects.count() == 5


def test_approval_above_a_years_remaining_budget_is_refused(recommended, approver, programme):
    Budget.objects.filter(programme=programme, year=2028).update(amount=Decimal("50000.00"))

    with pytest.raises(BudgetExceeded) as caught:
        application_approve(application=recommended, user=approver)

    assert str(caught.value) == (
        "Haushaltsjahr 2028: Die Bewilligung von 100.000,00 € übersteigt den verfügbaren Haushaltsansatz "
        "(noch 50.000,00 € von 50.000,00 € frei)."
    )
    assert_nothing_decided(recommended)


def test_approval_of_exactly_the_remaining_budget_is_accepted(recommended, approver, programme):
    Budget.objects.filter(programme=programme).update(amount=Decimal("100000.00"))

    award = application_approve(application=recommended, user=approver)

    assert award.years.count() == 5


def test_approval_is_refused_when_a_year_has_no_budget(recommended, approver, programme):
    Budget.objects.filter(programme=programme, year=2030).delete()

    with pytest.raises(BudgetExceeded, match="Für 2030 ist kein Haushaltsansatz angelegt"):
        application_approve(application=recommended, user=approver)

    assert_nothing_decided(recommended)


def test_year_recommended_with_zero_needs_no_budget(programme, coordinator_a, clerk, approver):
    application = factories.recommended_application(programme, coordinator_a, clerk,
                                                    amounts=FULL | {2030: Decimal("0.00")},
                                                    justification="2030 nicht finanzierbar.")
    Budget.objects.filter(programme=programme, year=2030).delete()

    award = application_approve(application=application, user=approver)

    assert sorted(award.years.values_list("budget__year", flat=True)) == [2026, 2027, 2028, 2029]


def test_second_award_that_would_exceed_a_budget_together_with_the_first_is_refused(
        programme, coordinator_a, coordinator_b, clerk, approver):
    Budget.objects.filter(programme=programme).update(amount=Decimal("150000.00"))
    first = factories.recommended_application(programme, coordinator_a, clerk)
    second = factories.recommended_application(programme, coordinator_b, clerk)
    application_approve(application=first, user=approver)

    with pytest.raises(BudgetExceeded, match=r"Haushaltsjahr 2026: .*noch 50\.000,00 € von 150\.000,00 € frei"):
        application_approve(application=second, user=approver)

    assert_nothing_decided(second)
    assert AwardYear.objects.filter(budget__year=2026).count() == 1


def test_budgets_of_another_programme_do_not_count(programme, coordinator_a, clerk, approver):
    other = factories.make_programme(code="wir-2021", start=2026, end=2030, budget=Decimal("1.00"))
    application = factories.recommended_application(programme, coordinator_a, clerk)

    award = application_approve(application=application, user=approver)

    assert not award.years.filter(budget__programme=other).exists()


# --- reject ------------------------------------------------------------------------------

def test_rejection_from_review_records_the_decision_and_reason(programme, coordinator_a, clerk, approver):
    application = factories.in_review_application(programme, coordinator_a, clerk)

    decision = application_reject(application=application, user=approver, reason="  Konzept fehlt.  ")

    application.refresh_from_db()
    assert application.status == S.REJECTED
    assert (decision.outcome, decision.decided_by, decision.recommended_by, decision.reason) == (
        Decision.Outcome.REJECTED, approver, None, "Konzept fehlt.")
    entry = audit_entries_for(application).get(action="grants.application.rejected")
    assert (entry.actor, entry.changes, entry.data) == (
        approver, {"status": ["in_pruefung", "abgelehnt"]}, {"reason": "Konzept fehlt."})


def test_rejection_of_a_recommended_application_records_the_recommender(recommended, clerk, approver):
    decision = application_reject(application=recommended, user=approver, reason="Haushaltssperre.")

    recommended.refresh_from_db()
    assert recommended.status == S.REJECTED
    assert decision.recommended_by == clerk
    assert decision.recommendation == recommended.recommendations.get()
    assert not Award.objects.exists()


def test_rejection_needs_a_reason(recommended, approver):
    with pytest.raises(FieldErrors) as caught:
        application_reject(application=recommended, user=approver, reason="  ")

    assert caught.value.errors == {"reason": ["Eine Ablehnung braucht eine Begründung."]}
    assert_nothing_decided(recommended)


def test_approver_cannot_reject_her_own_recommendation(programme, coordinator_a, clerk, approver):
    application = recommended_by_approver(programme, coordinator_a, clerk, approver)

    with pytest.raises(NotPermitted, match="Vier-Augen-Prinzip"):
        application_reject(application=application, user=approver, reason="Doch nicht.")

    assert_nothing_decided(application)


def test_clerk_cannot_reject(recommended, clerk2):
    with pytest.raises(NotPermitted, match="Bewilligungsbefugnis"):
        application_reject(application=recommended, user=clerk2, reason="Nein.")

    assert_nothing_decided(recommended)


@pytest.mark.parametrize("stage", ["submitted", "approved"])
def test_rejection_is_refused_outside_review_and_recommendation(stage, programme, coordinator_a, clerk, approver):
    if stage == "submitted":
        application = factories.submitted_application(programme, coordinator_a)
    else:
        application = factories.approved_award(programme, coordinator_a, clerk, approver).application

    with pytest.raises(InvalidTransition, match="Die Ablehnung ist im Status"):
        application_reject(application=application, user=approver, reason="Nein.")

    application.refresh_from_db()
    assert application.status != S.REJECTED


# --- database constraint -----------------------------------------------------------------

def test_database_refuses_a_decision_by_the_recommender(recommended, clerk):
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.create(application=recommended, recommendation=recommended.recommendations.get(),
                                outcome=Decision.Outcome.APPROVED, decided_by=clerk, recommended_by=clerk,
                                decided_at=timezone.now())

    assert not Decision.objects.exists()


def test_database_refuses_a_rejection_without_reason(recommended, approver, clerk):
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.create(application=recommended, outcome=Decision.Outcome.REJECTED, decided_by=approver,
                                recommended_by=clerk, decided_at=timezone.now(), reason="")

    assert not Decision.objects.exists()
