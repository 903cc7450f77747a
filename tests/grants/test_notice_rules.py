"""The rules every notice obeys (grants/services/notices.py, grants/policies/notices.py):

- its date: not before the decision it carries, not before the application, not before the
  notice it refers to, at most NOTICE_MAX_DAYS_AHEAD days after today – refused with German
  field errors before a number is drawn, in the preview as when issuing;
- four eyes per kind: a free-text Änderungsbescheid carries the award decision (not by the
  application's recommender) and is no way round an Änderungsantrag (not while one is open, not
  by whoever recommended one that was not approved).

The award is decided on 20.10.2026 (submitted the same day); the clock stands on 29.10.2026.
"""

from datetime import date

import pytest
from django.urls import reverse

from core import clock
from core.errors import DomainError, FieldErrors, NotPermitted
from grants.models import AmendmentRequest, Notice, NumberSequence
from grants.services.amendments import amendment_approve
from grants.services.awards import application_reject
from grants.services.notices import notice_issue, notice_preview
from tests import factories
from tests.grants.amendment_helpers import frozen, issued_award, recommended

K = Notice.Kind
DECIDED = date(2026, 10, 20)
TODAY = date(2026, 10, 29)


@pytest.fixture(autouse=True)
def today():
    with factories.at(TODAY):
        yield


@pytest.fixture
def award(programme, coordinator_a, clerk, approver):
    return factories.approved_award(programme, coordinator_a, clerk, approver, on=DECIDED, notice=False)


def issue(application, user, issued_on, kind=K.AWARD, **kwargs):
    return notice_issue(application=application, kind=kind, user=user, issued_on=issued_on, **kwargs)


def nothing_numbered():
    return not NumberSequence.objects.filter(key__startswith="notice:", last_value__gt=0).exists()


# -- the date ---------------------------------------------------------------------------------


def test_notice_dated_01_01_2000_is_refused_and_nothing_is_numbered(award, approver):
    with pytest.raises(FieldErrors) as refusal:
        issue(award.application, approver, date(2000, 1, 1))

    assert refusal.value.errors == {"issued_on": [
        "Das Bescheiddatum darf nicht vor der Bewilligung vom 20.10.2026 liegen.",
        "Das Bescheiddatum darf nicht vor dem Antrag vom 20.10.2026 liegen.",
    ]}
    assert not Notice.objects.exists()
    assert nothing_numbered()


def test_notice_dated_31_12_2099_is_refused_and_nothing_is_numbered(award, approver):
    with pytest.raises(FieldErrors) as refusal:
        issue(award.application, approver, date(2099, 12, 31))

    assert refusal.value.errors == {"issued_on": [
        "Das Bescheiddatum darf höchstens 7 Tage nach dem heutigen Tag liegen, also spätestens am 05.11.2026."]}
    assert not Notice.objects.exists()
    assert nothing_numbered()


def test_a_refused_date_does_not_use_up_the_next_number(award, approver):
    with pytest.raises(FieldErrors):
        issue(award.application, approver, date(2026, 10, 19))

    assert issue(award.application, approver, DECIDED).number == "WIR-26-B2026-001"


def test_the_days_ahead_are_configurable(award, approver, settings):
    settings.NOTICE_MAX_DAYS_AHEAD = 2
    with pytest.raises(FieldErrors, match="höchstens 2 Tage nach dem heutigen Tag liegen, also spätestens am "
                                          "31.10.2026"):
        issue(award.application, approver, date(2026, 11, 1))

    assert issue(award.application, approver, date(2026, 10, 31)).issued_on == date(2026, 10, 31)


def test_seven_days_ahead_by_default_is_allowed(award, approver):
    assert issue(award.application, approver, date(2026, 11, 5)).issued_on == date(2026, 11, 5)


def test_rejection_notice_not_before_the_rejection(programme, coordinator_a, clerk, approver):
    with factories.at(DECIDED):
        application = factories.in_review_application(programme, coordinator_a, clerk)
    with factories.at(date(2026, 10, 27)):
        application_reject(application=application, user=approver, reason="Nicht förderfähig.")

    with pytest.raises(FieldErrors) as refusal:
        issue(application, approver, date(2026, 10, 26), kind=K.REJECTION)

    assert refusal.value.errors == {"issued_on": [
        "Das Bescheiddatum darf nicht vor der Ablehnung vom 27.10.2026 liegen."]}
    assert nothing_numbered()


def test_amendment_not_before_the_notice_it_changes(award, approver):
    original = issue(award.application, approver, date(2026, 10, 28))

    with pytest.raises(FieldErrors) as refusal:
        issue(award.application, approver, date(2026, 10, 27), kind=K.AMENDMENT, refers_to=original,
              changes="Der Bewilligungszeitraum endet am 31.12.2031.")

    assert refusal.value.errors == {"issued_on": [
        "Das Bescheiddatum darf nicht vor dem Bescheid WIR-26-B2026-001 vom 28.10.2026 liegen, auf den er sich "
        "bezieht."]}
    assert list(award.application.notices.all()) == [original]


def test_the_preview_obeys_the_same_date_rules(award, approver):
    with pytest.raises(FieldErrors, match="nicht vor der Bewilligung vom 20.10.2026"):
        notice_preview(application=award.application, kind=K.AWARD, user=approver, issued_on=date(2000, 1, 1))
    with pytest.raises(FieldErrors, match="höchstens 7 Tage"):
        notice_preview(application=award.application, kind=K.AWARD, user=approver, issued_on=date(2099, 12, 31))
    assert notice_preview(application=award.application, kind=K.AWARD, user=approver)[:5] == b"%PDF-"
    assert nothing_numbered()


@pytest.mark.parametrize("entered, message", [
    ("01.01.2000", "Das Bescheiddatum darf nicht vor der Bewilligung vom 20.10.2026 liegen."),
    ("31.12.2099", "Das Bescheiddatum darf höchstens 7 Tage nach dem heutigen Tag liegen"),
])
def test_issue_form_shows_the_date_error_beside_the_field_and_keeps_the_value(client, award, approver, entered,
                                                                              message):
    client.force_login(approver)
    url = reverse("grants:notice_issue", args=[award.application.pk]) + f"?art={K.AWARD}"

    response = client.post(url, {"issued_on": entered, "ceremony": ""})

    assert response.status_code == 200
    form = response.context["notice_form"]
    assert any(message in error for error in form.errors["issued_on"])
    assert f'value="{entered}"' in response.content.decode()
    assert not Notice.objects.exists() and nothing_numbered()


# -- four eyes of a free-text Änderungsbescheid ------------------------------------------------------


@pytest.fixture
def award_recommended_by_approver(programme, coordinator_a, approver, approver2):
    """`approver` did the clerk's work (recommended), `approver2` decided and issued the award notice."""
    award = factories.approved_award(programme, coordinator_a, approver, approver2, on=DECIDED, notice=False)
    issue(award.application, approver2, DECIDED)
    return award


def free_text(award, user):
    return issue(award.application, user, TODAY, kind=K.AMENDMENT, refers_to=award.application.notices.get(),
                 changes="Der Bewilligungszeitraum endet am 31.12.2031.")


def test_free_text_amendment_is_refused_to_the_applications_recommender(award_recommended_by_approver, approver,
                                                                         approver2):
    with pytest.raises(NotPermitted, match="Vier-Augen-Prinzip: Sie haben diesen Antrag zur Bewilligung empfohlen"):
        free_text(award_recommended_by_approver, approver)
    assert free_text(award_recommended_by_approver, approver2).kind == K.AMENDMENT


def _request(award, status, recommended_by, decided_by=None):
    now = clock.now()
    return AmendmentRequest.objects.create(
        award=award, number=award.amendment_requests.count() + 1, status=status, period_end=award.period_end,
        plan=award.plan_snapshot, reason="Verschiebung.", created_by=award.application.created_by, submitted_at=now,
        recommended_by=recommended_by, recommended_at=now,
        decided_by=decided_by, decided_at=now if decided_by else None)


def test_free_text_amendment_is_refused_to_everyone_while_an_amendment_request_is_open(award, clerk, approver,
                                                                                       approver2):
    issue(award.application, approver, DECIDED)
    _request(award, AmendmentRequest.Status.RECOMMENDED, recommended_by=approver2)

    for person in (approver2, approver):
        with pytest.raises(DomainError, match="Zu dieser Zuwendung liegt ein Änderungsantrag vom 29.10.2026 vor "
                                              r"\(Stand: Zur Bewilligung empfohlen\)"):
            free_text(award, person)
    assert award.application.notices.count() == 1 and not award.application.notices.filter(kind=K.AMENDMENT)


def test_recommender_of_a_rejected_request_may_not_put_it_into_a_free_text_amendment(award, clerk, approver,
                                                                                      approver2):
    issue(award.application, approver, DECIDED)
    _request(award, AmendmentRequest.Status.REJECTED, recommended_by=approver2, decided_by=approver)

    with pytest.raises(NotPermitted, match="Sie haben einen Änderungsantrag dieser Zuwendung empfohlen, der nicht "
                                           "bewilligt wurde"):
        free_text(award, approver2)
    assert free_text(award, approver).refers_to.kind == K.AWARD


def test_issue_page_shows_the_open_request_and_offers_no_button(client, award, approver, approver2):
    issue(award.application, approver, DECIDED)
    _request(award, AmendmentRequest.Status.RECOMMENDED, recommended_by=approver2)
    client.force_login(approver)

    html = client.get(reverse("grants:notice_issue", args=[award.application.pk])
                      + f"?art={K.AMENDMENT}").content.decode()

    assert "Zu dieser Zuwendung liegt ein Änderungsantrag vom 29.10.2026 vor" in html
    assert "Bitte eine andere Person" not in html
    assert 'type="submit" class="btn btn-primary" disabled' in html


def test_amendment_notice_of_a_request_not_before_its_approval(programme, coordinator_a, clerk, approver,
                                                               approver2):
    with frozen():  # 01.03.2027
        award = issued_award(programme, coordinator_a, clerk, approver)
        request = recommended(award, coordinator_a, clerk)
        with pytest.raises(FieldErrors) as refusal:
            amendment_approve(request=request, user=approver2, issued_on=date(2027, 2, 28))

    assert refusal.value.errors == {"issued_on": [
        "Das Bescheiddatum darf nicht vor der Bewilligung des Änderungsantrags am 01.03.2027 liegen."]}
    request.refresh_from_db()
    assert request.status == AmendmentRequest.Status.RECOMMENDED and request.notice is None
    assert list(award.application.notices.values_list("kind", flat=True)) == [K.AWARD]
