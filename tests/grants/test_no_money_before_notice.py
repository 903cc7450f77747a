"""No money before the notice: a Mittelabruf, its preparation and its release are refused until
the award's Zuwendungsbescheid is issued; the pages say why and link to the notices. The
notice's Bekanntgabe and Bestandskraft are recorded and shown; a programme period may make the
first payment wait for finality. An amendment's increase is payable only with its
Änderungsbescheid.

The clock stands on 15.06.2026 (funds_use_months = 2): 66.666,66 € of 2026 may be called.
"""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from core import clock
from core.errors import DomainError, FieldErrors, NotPermitted
from grants.models import (
    AmendmentRequest,
    AwardYear,
    Disbursement,
    HandoverCeremony,
    IssuedRecordError,
    Notice,
    NoticeDelivery,
)
from grants.selectors.finality import notice_finality
from grants.selectors.payments import payment_year_rows
from grants.services.amendments import amendment_approve
from grants.services.disbursements import disbursement_prepare, disbursement_release, disbursement_request
from grants.services.notice_deliveries import notice_delivery_record, remedy_waiver_record
from grants.services.notices import notice_attach_ceremony
from tests import factories
from tests.grants import amendment_helpers

BERLIN = ZoneInfo("Europe/Berlin")
M = Decimal
D = Disbursement.Status
NO_NOTICE = "Vor dem Zuwendungsbescheid wird nichts ausgezahlt"


@pytest.fixture(autouse=True)
def frozen_clock():
    with clock.frozen_at(datetime(2026, 6, 15, 10, tzinfo=BERLIN)):
        yield


@pytest.fixture
def approved(programme, coordinator_a, clerk, approver):
    """Approved, but the Zuwendungsbescheid is not issued yet."""
    return factories.approved_award(programme, coordinator_a, clerk, approver, on=date(2026, 5, 29), notice=False)


def award_notice(award):
    return Notice.objects.get(award=award, kind=Notice.Kind.AWARD)


# -- service ----------------------------------------------------------------------------------------


def test_coordinator_cannot_call_money_before_the_award_notice(approved, coordinator_a):
    with pytest.raises(DomainError, match=NO_NOTICE):
        disbursement_request(award=approved, year=2026, amount=M("10000.00"), user=coordinator_a)
    assert not Disbursement.objects.exists()


def test_call_is_accepted_once_the_notice_is_issued(approved, coordinator_a, approver):
    factories.issue_award_notice(approved, approver)
    disbursement = disbursement_request(award=approved, year=2026, amount=M("10000.00"), user=coordinator_a)
    assert (disbursement.status, disbursement.amount) == (D.REQUESTED, M("10000.00"))


def test_legacy_call_from_before_the_notice_cannot_be_prepared(approved, coordinator_a, clerk):
    year = AwardYear.objects.get(award=approved, budget__year=2026)
    legacy = Disbursement.objects.create(award_year=year, amount=M("10000.00"), requested_by=coordinator_a)
    with pytest.raises(DomainError, match=NO_NOTICE):
        disbursement_prepare(disbursement=legacy, user=clerk)
    legacy.refresh_from_db()
    assert legacy.status == D.REQUESTED


def test_legacy_prepared_payment_cannot_be_released_before_the_notice(approved, coordinator_a, clerk, approver):
    year = AwardYear.objects.get(award=approved, budget__year=2026)
    legacy = Disbursement.objects.create(award_year=year, amount=M("10000.00"), requested_by=coordinator_a,
                                         status=D.PREPARED, prepared_by=clerk, prepared_at=clock.now())
    with pytest.raises(DomainError, match=NO_NOTICE):
        disbursement_release(disbursement=legacy, user=approver)
    legacy.refresh_from_db()
    assert (legacy.status, legacy.released_by) == (D.PREPARED, None)
    # With the notice, the same payment can be released.
    factories.issue_award_notice(approved, approver)
    assert disbursement_release(disbursement=legacy, user=approver).status == D.RELEASED


# -- views ------------------------------------------------------------------------------------------


def test_application_page_says_why_and_offers_no_call_button(client, approved, coordinator_a):
    client.force_login(coordinator_a)
    page = client.get(reverse("grants:application_detail", args=[approved.application_id])).content.decode()
    assert NO_NOTICE in page
    assert 'href="{}#bescheide"'.format(reverse("grants:application_detail", args=[approved.application_id])) in page
    assert reverse("grants:payment_request", args=[approved.application_id]) not in page


def test_payment_request_page_refuses_and_posting_creates_nothing(client, approved, coordinator_a):
    client.force_login(coordinator_a)
    url = reverse("grants:payment_request", args=[approved.application_id])
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].endswith("#bescheide")
    response = client.post(url, {"year": "2026", "amount": "10.000,00", "stated_need": "Personal"}, follow=True)
    assert NO_NOTICE in response.content.decode()
    assert not Disbursement.objects.exists()


def test_ministry_sees_why_a_legacy_call_cannot_be_prepared(client, approved, coordinator_a, clerk):
    year = AwardYear.objects.get(award=approved, budget__year=2026)
    legacy = Disbursement.objects.create(award_year=year, amount=M("10000.00"), requested_by=coordinator_a)
    client.force_login(clerk)
    page = client.get(reverse("grants:payment_queue")).content.decode()
    assert NO_NOTICE in page
    assert reverse("grants:payment_prepare", args=[legacy.pk]) not in page
    response = client.post(reverse("grants:payment_prepare", args=[legacy.pk]), {}, follow=True)
    legacy.refresh_from_db()
    assert legacy.status == D.REQUESTED
    assert NO_NOTICE in response.content.decode()


def test_application_page_shows_bekanntgabe_and_bestandskraft(client, approved, approver, clerk, coordinator_a):
    notice = factories.issue_award_notice(approved, approver, issued_on=date(2026, 6, 1))
    notice_delivery_record(notice=notice, user=clerk, method=NoticeDelivery.Method.POST, event_on=date(2026, 6, 2))
    client.force_login(coordinator_a)
    page = client.get(reverse("grants:application_detail", args=[approved.application_id])).content.decode()
    # Posted Tuesday 02.06.2026 → notified Friday 05.06.2026 → period ends Monday 06.07.2026.
    assert "05.06.2026" in page and "zur Post gegeben am 02.06.2026" in page
    assert "bestandskräftig ab 07.07.2026" in page and "Klagefrist bis 06.07.2026" in page


def test_coordinator_records_a_waiver_through_the_page(client, approved, approver, clerk, coordinator_a):
    notice = factories.issue_award_notice(approved, approver, issued_on=date(2026, 6, 1))
    notice_delivery_record(notice=notice, user=clerk, method=NoticeDelivery.Method.POST, event_on=date(2026, 6, 2))
    client.force_login(coordinator_a)
    response = client.post(reverse("grants:notice_waiver", args=[notice.pk]),
                           {"declared_on": "10.06.2026", "declared_by_name": "Landrätin Nicole Rathgeber"},
                           follow=True)
    assert "bestandskräftig seit 10.06.2026" in response.content.decode()


def test_coordinator_cannot_record_the_notification(client, approved, approver, coordinator_a):
    notice = factories.issue_award_notice(approved, approver)
    client.force_login(coordinator_a)
    response = client.post(reverse("grants:notice_delivery", args=[notice.pk]),
                           {"method": "post", "event_on": "15.06.2026"})
    assert response.status_code == 403
    assert not NoticeDelivery.objects.exists()


def test_other_body_cannot_reach_the_waiver(client, approved, approver, coordinator_b):
    notice = factories.issue_award_notice(approved, approver)
    client.force_login(coordinator_b)
    response = client.post(reverse("grants:notice_waiver", args=[notice.pk]),
                           {"declared_on": "15.06.2026", "declared_by_name": "X"})
    assert response.status_code == 404


# -- Bekanntgabe, Bestandskraft, waiver ---------------------------------------------------------------


def test_notice_handed_over_at_a_ceremony_is_notified_on_its_day(approved, approver):
    ceremony = HandoverCeremony.objects.create(date=date(2026, 6, 12), place="Eschwege",
                                               official_title="Staatssekretärin", official_name="Anne Janz")
    notice = factories.issue_award_notice(approved, approver, issued_on=date(2026, 6, 10), ceremony=ceremony)
    finality = notice_finality(notice)
    # Handed over Friday 12.06.2026 → period ends Monday 13.07.2026 (12.07. is a Sunday).
    assert (finality.notified_on, finality.period_end, finality.final_on) == (
        date(2026, 6, 12), date(2026, 7, 13), date(2026, 7, 14))
    assert finality.delivery.method == NoticeDelivery.Method.CEREMONY


def test_attaching_and_detaching_a_ceremony_records_and_withdraws_the_handover(approved, approver):
    notice = factories.issue_award_notice(approved, approver, issued_on=date(2026, 6, 10))
    assert notice_finality(notice).notified_on is None
    ceremony = HandoverCeremony.objects.create(date=date(2026, 6, 11), place="Kassel",
                                               official_title="Staatssekretärin", official_name="Anne Janz")
    notice = notice_attach_ceremony(notice=notice, ceremony=ceremony, user=approver)
    assert notice_finality(notice).notified_on == date(2026, 6, 11)
    notice = notice_attach_ceremony(notice=notice, ceremony=None, user=approver)
    assert notice_finality(notice).notified_on is None


def test_post_on_thursday_28_10_2021_is_notified_on_monday_01_11_2021(approved, approver, clerk):
    notice = factories.issue_award_notice(approved, approver, issued_on=date(2026, 6, 1))
    delivery = notice_delivery_record(notice=notice, user=clerk, method="post", event_on=date(2026, 6, 1))
    # The same rule as 28.10.2021: posted Monday 01.06.2026 → Thursday 04.06.2026, Fronleichnam → Friday 05.06.
    assert delivery.notified_on == date(2026, 6, 5)


def test_electronic_retrieval_counts_the_day_after(approved, approver, clerk):
    notice = factories.issue_award_notice(approved, approver, issued_on=date(2026, 6, 1))
    delivery = notice_delivery_record(notice=notice, user=clerk, method="elektronisch", event_on=date(2026, 6, 8))
    assert delivery.notified_on == date(2026, 6, 9)


def test_correction_needs_a_reason_and_the_latest_entry_counts(approved, approver, clerk):
    notice = factories.issue_award_notice(approved, approver, issued_on=date(2026, 6, 1))
    notice_delivery_record(notice=notice, user=clerk, method="post", event_on=date(2026, 6, 2))
    with pytest.raises(FieldErrors) as refused:
        notice_delivery_record(notice=notice, user=clerk, method="post", event_on=date(2026, 6, 3))
    assert "Grund der Berichtigung" in str(refused.value.errors["correction_reason"][0])
    notice_delivery_record(notice=notice, user=clerk, method="post", event_on=date(2026, 6, 3),
                           correction_reason="Postausgangsbuch: erst am 03.06. versandt")
    assert notice_finality(notice).notified_on == date(2026, 6, 8)  # Wed + 3 = Sat → Mon 08.06.2026
    assert NoticeDelivery.objects.filter(notice=notice).count() == 2


def test_recorded_notification_cannot_be_changed_or_deleted(approved, approver, clerk):
    notice = factories.issue_award_notice(approved, approver, issued_on=date(2026, 6, 1))
    delivery = notice_delivery_record(notice=notice, user=clerk, method="post", event_on=date(2026, 6, 2))
    delivery.event_on = date(2026, 6, 1)
    with pytest.raises(IssuedRecordError):
        delivery.save()
    with pytest.raises(IssuedRecordError):
        NoticeDelivery.objects.filter(pk=delivery.pk).delete()


def test_posting_before_the_notice_date_or_in_the_future_is_refused(approved, approver, clerk):
    notice = factories.issue_award_notice(approved, approver, issued_on=date(2026, 6, 10))
    with pytest.raises(FieldErrors, match="vor dem Bescheiddatum"):
        notice_delivery_record(notice=notice, user=clerk, method="post", event_on=date(2026, 6, 9))
    with pytest.raises(FieldErrors, match="Zukunft"):
        notice_delivery_record(notice=notice, user=clerk, method="post", event_on=date(2026, 6, 16))


def test_waiver_before_notification_is_refused(approved, approver, coordinator_a, clerk):
    notice = factories.issue_award_notice(approved, approver, issued_on=date(2026, 6, 1))
    with pytest.raises(DomainError, match="erst nach der Bekanntgabe"):
        remedy_waiver_record(notice=notice, user=coordinator_a, declared_on=date(2026, 6, 3), declared_by_name="X")
    notice_delivery_record(notice=notice, user=clerk, method="post", event_on=date(2026, 6, 2))  # → 05.06.
    with pytest.raises(FieldErrors, match="vor der Bekanntgabe"):
        remedy_waiver_record(notice=notice, user=coordinator_a, declared_on=date(2026, 6, 4), declared_by_name="X")


def test_waiver_makes_the_notice_final_on_its_day(approved, approver, coordinator_a, clerk):
    notice = factories.issue_award_notice(approved, approver, issued_on=date(2026, 6, 1))
    notice_delivery_record(notice=notice, user=clerk, method="post", event_on=date(2026, 6, 2))
    remedy_waiver_record(notice=notice, user=coordinator_a, declared_on=date(2026, 6, 8),
                         declared_by_name="Landrätin")
    finality = notice_finality(notice)
    assert (finality.final_on, finality.is_final(date(2026, 6, 8))) == (date(2026, 6, 8), True)
    with pytest.raises(DomainError, match="bereits ein Rechtsbehelfsverzicht"):
        remedy_waiver_record(notice=notice, user=clerk, declared_on=date(2026, 6, 9), declared_by_name="X")


def test_other_body_cannot_waive(approved, approver, coordinator_b, clerk):
    notice = factories.issue_award_notice(approved, approver, issued_on=date(2026, 6, 1))
    notice_delivery_record(notice=notice, user=clerk, method="post", event_on=date(2026, 6, 2))
    with pytest.raises(NotPermitted):
        remedy_waiver_record(notice=notice, user=coordinator_b, declared_on=date(2026, 6, 8), declared_by_name="X")


# -- the programme's option: first payment after finality -----------------------------------------


@pytest.fixture
def waiting(approved, approver, clerk):
    programme = approved.application.programme
    programme.first_payment_awaits_finality = True
    programme.save(update_fields=["first_payment_awaits_finality"])
    notice = factories.issue_award_notice(approved, approver, issued_on=date(2026, 6, 1))
    return notice


def test_first_call_waits_for_a_recorded_notification(waiting, approved, coordinator_a):
    with pytest.raises(DomainError, match="Bekanntgabe ist noch nicht erfasst"):
        disbursement_request(award=approved, year=2026, amount=M("10000.00"), user=coordinator_a)


def test_first_call_waits_for_finality_and_names_the_date(waiting, approved, coordinator_a, clerk, approver):
    notice_delivery_record(notice=waiting, user=clerk, method="post", event_on=date(2026, 6, 2))
    with pytest.raises(DomainError, match=r"bekannt gegeben am 05\.06\.2026, bestandskräftig ab 07\.07\.2026"):
        disbursement_request(award=approved, year=2026, amount=M("10000.00"), user=coordinator_a)
    with clock.frozen_at(datetime(2026, 7, 7, 9, tzinfo=BERLIN)):
        requested = disbursement_request(award=approved, year=2026, amount=M("10000.00"), user=coordinator_a)
        disbursement_prepare(disbursement=requested, user=clerk)
        assert disbursement_release(disbursement=requested, user=approver).status == D.RELEASED


def test_waiver_lets_the_first_call_through_at_once(waiting, approved, coordinator_a, clerk):
    notice_delivery_record(notice=waiting, user=clerk, method="post", event_on=date(2026, 6, 2))
    remedy_waiver_record(notice=waiting, user=coordinator_a, declared_on=date(2026, 6, 12), declared_by_name="X")
    assert disbursement_request(award=approved, year=2026, amount=M("10000.00"), user=coordinator_a).pk


def test_without_the_option_the_call_does_not_wait_for_finality(approved, approver, coordinator_a):
    factories.issue_award_notice(approved, approver, issued_on=date(2026, 6, 1))
    assert disbursement_request(award=approved, year=2026, amount=M("10000.00"), user=coordinator_a).pk


# -- amendments: an increase is payable only with its Änderungsbescheid --------------------------


def test_amendment_increase_is_not_payable_when_its_notice_fails(programme, coordinator_a, clerk, approver,
                                                               approver2, monkeypatch):
    with amendment_helpers.frozen():
        award = amendment_helpers.issued_award(programme, coordinator_a, clerk, approver)
        request = amendment_helpers.recommended(award, coordinator_a, clerk)

        def broken(*args, **kwargs):
            raise RuntimeError("Drucker kaputt")

        monkeypatch.setattr("grants.services.notices.render_notice_pdf", broken)
        with pytest.raises(RuntimeError):
            amendment_approve(request=request, user=approver2)
        # Nothing of the change counts: 2029 (raised from 0 to 30.000,00 €) has no year to call.
        assert not AwardYear.objects.filter(award=award, budget__year=2029).exists()
        assert [row["year"] for row in payment_year_rows(award)] == [2026, 2027, 2028]
        request.refresh_from_db()
        assert request.status == AmendmentRequest.Status.RECOMMENDED
        monkeypatch.undo()
        request = amendment_approve(request=request, user=approver2)
        assert request.notice.kind == Notice.Kind.AMENDMENT
        rows = {row["year"]: row for row in payment_year_rows(award)}
        assert rows[2029]["awarded"] == M("30000.00")


def test_nothing_is_callable_before_the_notice(approved, approver):
    rows = payment_year_rows(approved)
    assert {row["callable"] for row in rows} == {M("0.00")}
    assert NO_NOTICE in rows[0]["why"]
    factories.issue_award_notice(approved, approver)
    # 15.06.2026 + 2 months → 8/12 of 100.000,00 €.
    assert payment_year_rows(approved)[0]["callable"] == M("66666.66")


def test_ministry_page_says_why_too(client, approved, clerk):
    client.force_login(clerk)
    page = client.get(reverse("grants:application_detail", args=[approved.application_id])).content.decode()
    assert NO_NOTICE in page and "Zu den Bescheiden" in page


@pytest.mark.postgres
def test_database_refuses_to_change_a_recorded_notification(approved, approver, clerk):
    from django.db import DatabaseError, connection, transaction

    notice = factories.issue_award_notice(approved, approver, issued_on=date(2026, 6, 1))
    delivery = notice_delivery_record(notice=notice, user=clerk, method="post", event_on=date(2026, 6, 2))
    with pytest.raises(DatabaseError, match="nicht geändert oder gelöscht"), transaction.atomic(), \
            connection.cursor() as cursor:
        cursor.execute("UPDATE grants_noticedelivery SET notified_on = %s WHERE id = %s",
                       [date(2026, 6, 3), delivery.pk])
    assert NoticeDelivery.objects.get(pk=delivery.pk).notified_on == date(2026, 6, 5)
