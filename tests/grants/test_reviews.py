from decimal import Decimal

import pytest

from audit.selectors import audit_entries_for
from core.errors import FieldErrors, InvalidTransition, NotPermitted
from grants.models import ApplicationComment, ApplicationStatus, ChangeRequest, Recommendation, RecommendationYear
from grants.services.applications import application_submit
from grants.services.reviews import (
    application_recommend,
    application_request_changes,
    application_start_review,
    comment_add,
)
from tests import factories

S = ApplicationStatus
FULL = {year: Decimal("100000.00") for year in range(2026, 2031)}


@pytest.fixture
def submitted(programme, coordinator_a):
    return factories.submitted_application(programme, coordinator_a)


@pytest.fixture
def in_review(programme, coordinator_a, clerk):
    return factories.in_review_application(programme, coordinator_a, clerk)


def status_of(application):
    application.refresh_from_db()
    return application.status


# --- start review ------------------------------------------------------------------------

def test_clerk_starts_the_review_of_a_submitted_application(submitted, clerk):
    application_start_review(application=submitted, user=clerk)

    assert status_of(submitted) == S.IN_REVIEW
    entry = audit_entries_for(submitted).get(action="grants.application.review_started")
    assert (entry.actor, entry.changes) == (clerk, {"status": ["eingereicht", "in_pruefung"]})


def test_approver_may_also_start_a_review(submitted, approver):
    application_start_review(application=submitted, user=approver)

    assert status_of(submitted) == S.IN_REVIEW


@pytest.mark.parametrize("user", ["coordinator_a", "programme_admin"])
def test_review_cannot_be_started_without_review_capability(submitted, user, request):
    with pytest.raises(NotPermitted, match="Nur die Sachbearbeitung oder Bewilligung im Ministerium"):
        application_start_review(application=submitted, user=request.getfixturevalue(user))

    assert status_of(submitted) == S.SUBMITTED


def test_review_cannot_start_on_a_draft(programme, coordinator_a, clerk):
    draft = factories.draft_application(programme, coordinator_a)

    with pytest.raises(InvalidTransition, match="Die Prüfung zu beginnen ist im Status „Entwurf“ nicht möglich"):
        application_start_review(application=draft, user=clerk)

    assert status_of(draft) == S.DRAFT


def test_review_cannot_start_twice(in_review, clerk2):
    with pytest.raises(InvalidTransition, match="In Prüfung"):
        application_start_review(application=in_review, user=clerk2)


# --- request changes ---------------------------------------------------------------------

def test_request_for_changes_sets_nachforderung_and_records_the_message(in_review, clerk):
    request = application_request_changes(application=in_review, user=clerk,
                                          message="  Bitte den Stellenplan beifügen.  ")

    assert status_of(in_review) == S.CHANGES_REQUESTED
    request.refresh_from_db()
    assert (request.application, request.requested_by, request.message) == (
        in_review, clerk, "Bitte den Stellenplan beifügen.")
    assert request.answered_at is None
    entry = audit_entries_for(in_review).get(action="grants.application.changes_requested")
    assert entry.changes == {"status": ["in_pruefung", "nachforderung"]}
    assert entry.data["message"] == "Bitte den Stellenplan beifügen."
    # what the resubmission is compared with: the plan's cells and the texts as they stood
    assert entry.data["snapshot"]["cells"]["2026|fin:zuwendung"]["amount"] == "100000.00"
    assert entry.data["snapshot"]["texts"]["title"] == in_review.title


def test_request_for_changes_needs_a_message(in_review, clerk):
    with pytest.raises(FieldErrors) as caught:
        application_request_changes(application=in_review, user=clerk, message="   ")

    assert caught.value.errors == {"message": ["Bitte schreiben Sie, was nachgereicht oder geändert werden soll."]}
    assert status_of(in_review) == S.IN_REVIEW
    assert not ChangeRequest.objects.exists()


def test_coordinator_cannot_request_changes(in_review, coordinator_a):
    with pytest.raises(NotPermitted):
        application_request_changes(application=in_review, user=coordinator_a, message="Selbst nachfordern")

    assert status_of(in_review) == S.IN_REVIEW
    assert not ChangeRequest.objects.exists()


def test_changes_cannot_be_requested_before_the_review_started(submitted, clerk):
    with pytest.raises(InvalidTransition, match="Eine Nachforderung ist im Status „Eingereicht“ nicht möglich"):
        application_request_changes(application=submitted, user=clerk, message="Bitte ergänzen.")

    assert not ChangeRequest.objects.exists()


def test_resubmitted_application_can_be_reviewed_again(in_review, clerk, coordinator_a):
    application_request_changes(application=in_review, user=clerk, message="Bitte ergänzen.")
    application_submit(application=in_review, user=coordinator_a, answer="Ergänzt.")

    application_start_review(application=in_review, user=clerk)

    assert status_of(in_review) == S.IN_REVIEW


# --- recommend ---------------------------------------------------------------------------

def test_clerk_recommends_the_requested_amounts(in_review, clerk):
    recommendation = application_recommend(application=in_review, user=clerk, amounts=FULL)

    assert status_of(in_review) == S.RECOMMENDED
    assert recommendation.recommended_by == clerk
    assert dict(recommendation.years.values_list("year", "amount")) == FULL
    entry = audit_entries_for(in_review).get(action="grants.application.recommended")
    assert entry.actor == clerk
    assert entry.changes == {"status": ["in_pruefung", "empfohlen"]}
    assert entry.data["total"] == "500000.00"


def test_recommendation_with_a_cut_stores_each_year_and_the_justification(in_review, clerk):
    amounts = FULL | {2026: Decimal("80000.00"), 2030: Decimal("90000.50")}

    recommendation = application_recommend(application=in_review, user=clerk, amounts=amounts,
                                           justification="Anlaufphase 2026; Sachkosten 2030 überhöht.")

    rows = list(RecommendationYear.objects.filter(recommendation=recommendation)
                .order_by("year").values_list("year", "amount"))
    assert rows == [(2026, Decimal("80000.00")), (2027, Decimal("100000.00")), (2028, Decimal("100000.00")),
                    (2029, Decimal("100000.00")), (2030, Decimal("90000.50"))]
    assert recommendation.justification == "Anlaufphase 2026; Sachkosten 2030 überhöht."


def test_cut_without_justification_is_refused(in_review, clerk):
    with pytest.raises(FieldErrors) as caught:
        application_recommend(application=in_review, user=clerk, amounts=FULL | {2026: Decimal("80000.00")},
                              justification=" ")

    assert caught.value.errors == {"justification": ["Bitte begründen Sie die Kürzung gegenüber dem Antrag."]}
    assert status_of(in_review) == S.IN_REVIEW
    assert not Recommendation.objects.exists()


def test_recommendation_without_cut_needs_no_justification(in_review, clerk):
    recommendation = application_recommend(application=in_review, user=clerk, amounts=FULL)

    assert recommendation.justification == ""


def test_recommendation_needs_an_amount_for_every_year(in_review, clerk):
    amounts = {year: amount for year, amount in FULL.items() if year != 2028}

    with pytest.raises(FieldErrors) as caught:
        application_recommend(application=in_review, user=clerk, amounts=amounts)

    assert caught.value.errors == {"amount-2028": ["Bitte den Betrag für 2028 angeben."]}
    assert status_of(in_review) == S.IN_REVIEW
    assert not Recommendation.objects.exists()


def test_recommendation_above_the_requested_amount_is_refused(in_review, clerk):
    with pytest.raises(FieldErrors) as caught:
        application_recommend(application=in_review, user=clerk, amounts=FULL | {2027: Decimal("100000.01")})

    assert caught.value.errors == {
        "amount-2027": ["Höchstens der beantragte Betrag von 100.000,00 € kann empfohlen werden."]}
    assert not Recommendation.objects.exists()


def test_negative_recommendation_is_refused(in_review, clerk):
    with pytest.raises(FieldErrors) as caught:
        application_recommend(application=in_review, user=clerk, amounts=FULL | {2027: Decimal("-1.00")},
                              justification="Kürzung")

    assert caught.value.errors == {"amount-2027": ["Der Betrag darf nicht negativ sein."]}
    assert not Recommendation.objects.exists()


def test_recommendation_of_nothing_is_refused(in_review, clerk):
    with pytest.raises(FieldErrors) as caught:
        application_recommend(application=in_review, user=clerk,
                              amounts={year: Decimal("0.00") for year in FULL}, justification="Alles gekürzt")

    assert caught.value.errors == {"amounts": ["Eine Empfehlung zur Bewilligung braucht einen Betrag über 0,00 €."]}
    assert status_of(in_review) == S.IN_REVIEW


def test_recommendation_for_a_year_outside_the_period_is_refused(in_review, clerk):
    with pytest.raises(FieldErrors) as caught:
        application_recommend(application=in_review, user=clerk, amounts=FULL | {2031: Decimal("1.00")})

    assert caught.value.errors == {"amounts": ["2031 liegt außerhalb des Vorhabenzeitraums."]}


@pytest.mark.parametrize("bad", [1000.0, "viel", "NaN"])
def test_recommendation_with_an_invalid_amount_is_refused(in_review, clerk, bad):
    with pytest.raises(FieldErrors) as caught:
        application_recommend(application=in_review, user=clerk, amounts=FULL | {2026: bad}, justification="x")

    assert caught.value.errors == {"amount-2026": [f"„{bad}“ ist kein gültiger Betrag."]}
    assert not Recommendation.objects.exists()


def test_approver_may_recommend(in_review, approver):
    recommendation = application_recommend(application=in_review, user=approver, amounts=FULL)

    assert recommendation.recommended_by == approver


@pytest.mark.parametrize("user", ["coordinator_a", "programme_admin"])
def test_recommendation_needs_review_capability(in_review, user, request):
    with pytest.raises(NotPermitted):
        application_recommend(application=in_review, user=request.getfixturevalue(user), amounts=FULL)

    assert status_of(in_review) == S.IN_REVIEW
    assert not Recommendation.objects.exists()


def test_recommendation_needs_the_review_to_have_started(submitted, clerk):
    with pytest.raises(InvalidTransition, match="Die Empfehlung ist im Status „Eingereicht“ nicht möglich"):
        application_recommend(application=submitted, user=clerk, amounts=FULL)

    assert not Recommendation.objects.exists()


def test_application_cannot_be_recommended_twice(in_review, clerk, clerk2):
    application_recommend(application=in_review, user=clerk, amounts=FULL)

    with pytest.raises(InvalidTransition, match="Zur Bewilligung empfohlen"):
        application_recommend(application=in_review, user=clerk2, amounts=FULL)

    assert Recommendation.objects.count() == 1


# --- comments ----------------------------------------------------------------------------

def test_comment_is_internal_by_default(in_review, clerk):
    comment = comment_add(application=in_review, user=clerk, text="Rücksprache mit Referat halten.")

    assert comment.visibility == ApplicationComment.Visibility.INTERNAL
    assert comment.author == clerk


def test_comment_may_be_made_visible_to_the_applicant(in_review, clerk):
    comment = comment_add(application=in_review, user=clerk, text="Eingang bestätigt.",
                          visibility=ApplicationComment.Visibility.APPLICANT)

    assert comment.visibility == "antragsteller"
    entry = audit_entries_for(in_review).get(action="grants.application.commented")
    assert (entry.actor, entry.data) == (clerk, {"visibility": "antragsteller"})


def test_comment_with_unknown_visibility_is_refused(in_review, clerk):
    with pytest.raises(FieldErrors) as caught:
        comment_add(application=in_review, user=clerk, text="Hallo", visibility="oeffentlich")

    assert caught.value.errors == {"visibility": ["Unbekannte Sichtbarkeit."]}
    assert not ApplicationComment.objects.exists()


def test_empty_comment_is_refused(in_review, clerk):
    with pytest.raises(FieldErrors, match="Der Kommentar ist leer"):
        comment_add(application=in_review, user=clerk, text="  ")

    assert not ApplicationComment.objects.exists()


def test_coordinator_cannot_write_ministry_comments(in_review, coordinator_a):
    with pytest.raises(NotPermitted):
        comment_add(application=in_review, user=coordinator_a, text="Interne Notiz?")

    assert not ApplicationComment.objects.exists()
