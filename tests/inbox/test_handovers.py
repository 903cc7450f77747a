"""Every hand-over between roles reaches the next role once – in the notification list and
by one e-mail (the notification's own, or the formal letter to the body) – never the person
who acted, never another body; a transition that fails tells nobody."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import transaction

from background.models import OutboxMail
from grants.services.applications import application_submit
from grants.services.awards import application_approve, application_reject
from grants.services.disbursements import (
    disbursement_book,
    disbursement_prepare,
    disbursement_reject,
    disbursement_release,
    disbursement_request,
)
from grants.services.reviews import application_recommend, application_request_changes, application_start_review
from grants.services.usage_reports import usage_report_send_back
from inbox.models import Event, Notification
from tests import factories
from tests.grants import reclaim_fixtures as rf
from tests.inbox.helpers import mails_to, notification_mails, told

CLERKS = {"sachbearbeitung": 1, "sachbearbeitung2": 1}
APPROVERS = {"bewilligung": 1, "bewilligung2": 1}
BODY_A = {"koordination-a": 1, "koordination-a2": 1}


@pytest.fixture
def cast(coordinator_a, colleague_a, coordinator_b, clerk, clerk2, approver, approver2, programme_admin):
    """Everyone who could be told: both coordinators of body A, body B's, two clerks, two
    approvers and the programme administration."""


def test_submission_reaches_the_clerks_once_each_by_list_and_mail(programme, cast, coordinator_a):
    application = factories.draft_application(programme, coordinator_a)
    application_submit(application=application, user=coordinator_a)
    assert told(Event.SUBMITTED) == CLERKS  # not the approvers (they review only in addition), nor anyone else
    assert notification_mails(Event.SUBMITTED) == {"sachbearbeitung@example.org": 1,
                                                   "sachbearbeitung2@example.org": 1}
    entry = Notification.objects.get(event=Event.SUBMITTED, recipient__username="sachbearbeitung")
    assert entry.title == "Neuer Antrag zur Prüfung: WIR-26-0001, Werra-Meißner-Kreis"
    assert entry.path == f"/antraege/{application.pk}/" and entry.read_at is None
    assert entry.actor_name == "Koordination-A Test"


def test_the_application_walk_tells_each_next_role_once(programme, cast, coordinator_a, clerk, clerk2, approver):
    application = factories.in_review_application(programme, coordinator_a, clerk)
    application_request_changes(application=application, user=clerk, message="Bitte den Stellenplan beifügen.")
    assert told(Event.CHANGES_REQUESTED) == BODY_A
    # The body's letter is the coordinators' e-mail: one, not a second notification mail.
    assert notification_mails(Event.CHANGES_REQUESTED) == {}
    assert [mail.event for mail in mails_to("team@wmk.example.org")] == ["submitted", "changes_requested"]
    assert Notification.objects.get(recipient__username="koordination-a2",
                                    event=Event.CHANGES_REQUESTED).detail == "Bitte den Stellenplan beifügen."

    application_submit(application=application, user=coordinator_a, answer="Liegt bei.")
    assert told(Event.RESUBMITTED) == CLERKS
    assert Notification.objects.filter(event=Event.RESUBMITTED, detail="Liegt bei.").count() == 2

    application_start_review(application=application, user=clerk2)
    application_recommend(application=application, user=clerk2,
                          amounts={year: Decimal("100000.00") for year in application.years})
    assert told(Event.RECOMMENDED) == APPROVERS
    assert notification_mails(Event.RECOMMENDED) == {"bewilligung@example.org": 1, "bewilligung2@example.org": 1}
    assert "500.000,00 €" in Notification.objects.filter(event=Event.RECOMMENDED).first().title

    factories.record_early_start(application, approver)
    application_approve(application=application, user=approver)
    assert told(Event.APPROVED) == BODY_A
    assert notification_mails(Event.APPROVED) == {}

    factories.issue_award_notice(application.award, approver)
    assert told(Event.NOTICE_ISSUED) == BODY_A
    assert notification_mails(Event.NOTICE_ISSUED) == {"koordination-a@example.org": 1,
                                                       "team@wmk.example.org": 1}
    assert Notification.objects.filter(event=Event.NOTICE_ISSUED).first().title.startswith("Zuwendungsbescheid ")
    # Nobody was told of their own step, and body B heard nothing at all.
    assert not Notification.objects.filter(recipient__username="koordination-b").exists()
    assert not Notification.objects.filter(recipient__username="programmverwaltung").exists()
    assert not OutboxMail.objects.filter(to__contains=["koordination-b@example.org"]).exists()


def test_a_recommending_approver_is_not_told_of_their_own_recommendation(programme, cast, coordinator_a, approver):
    application = factories.in_review_application(programme, coordinator_a, approver)
    application_recommend(application=application, user=approver,
                          amounts={year: Decimal("100000.00") for year in application.years})
    assert told(Event.RECOMMENDED) == {"bewilligung2": 1}


def test_a_rejection_reaches_the_body(programme, cast, coordinator_a, clerk, approver):
    application = factories.in_review_application(programme, coordinator_a, clerk)
    application_reject(application=application, user=approver, reason="Nicht förderfähig.")
    assert told(Event.REJECTED) == BODY_A


def test_each_step_of_a_payment_reaches_the_next_role(cast, coordinator_a, clerk, approver):
    award, _notice = rf.award_with_notice(coordinator_a, clerk, approver)
    with rf.at(date(2023, 1, 2)):
        call = disbursement_request(award=award, year=2023, amount=Decimal("20000.00"), user=coordinator_a,
                                    stated_need="Personalkosten Januar bis März")
        assert told(Event.CALL_MADE) == CLERKS
        assert Notification.objects.filter(event=Event.CALL_MADE).first().path == "/auszahlungen/"
        disbursement_prepare(disbursement=call, user=clerk)
        assert told(Event.CALL_PREPARED) == APPROVERS
        disbursement_release(disbursement=call, user=approver)
        assert told(Event.CALL_RELEASED) == {"sachbearbeitung": 1, "sachbearbeitung2": 1}
        disbursement_book(disbursement=call, user=clerk, paid_on=date(2023, 1, 2), payment_reference="K-4711")
    assert told(Event.CALL_PAID) == BODY_A
    paid = Notification.objects.get(event=Event.CALL_PAID, recipient=coordinator_a)
    assert paid.title == "Ausgezahlt: 20.000,00 € für 2023 zu WIR-21-0001"
    assert "02.01.2023" in paid.detail and "K-4711" in paid.detail
    for event in (Event.CALL_MADE, Event.CALL_PREPARED, Event.CALL_RELEASED, Event.CALL_PAID):
        assert all(count == 1 for count in notification_mails(event).values())
    assert notification_mails(Event.CALL_PAID) == {"koordination-a@example.org": 1, "team@wmk.example.org": 1}
    assert not Notification.objects.filter(recipient__username="koordination-b").exists()


def test_a_refused_payment_request_reaches_the_body(cast, coordinator_a, clerk, approver):
    award, _notice = rf.award_with_notice(coordinator_a, clerk, approver)
    with rf.at(date(2023, 1, 2)):
        call = disbursement_request(award=award, year=2023, amount=Decimal("20000.00"), user=coordinator_a)
        disbursement_reject(disbursement=call, user=clerk, reason="Bedarf nicht dargelegt.")
    assert told(Event.CALL_REJECTED) == BODY_A


def test_proofs_hearings_and_reclaims_reach_the_next_role(cast, coordinator_a, clerk, approver, approver2):
    award, _notice = rf.award_with_notice(coordinator_a, clerk, approver)
    rf.pay(award, 2023, Decimal("20000.00"), date(2023, 1, 2), coordinator=coordinator_a, clerk=clerk,
           approver=approver)
    with rf.at(rf.TODAY):
        report = rf.submitted_interim(award, coordinator_a)
        assert told(Event.PROOF_SUBMITTED) == CLERKS
        assert Notification.objects.filter(event=Event.PROOF_SUBMITTED).first().path == (
            f"/verwendungsnachweise/{report.pk}/")
        usage_report_send_back(report=report, user=clerk, questions="Bitte Belege zur Position 3.")
        assert told(Event.PROOF_QUESTIONS) == BODY_A
        report = rf.submitted_interim(award, coordinator_a)  # answered: submitted again
        assert told(Event.PROOF_SUBMITTED) == {"sachbearbeitung": 2, "sachbearbeitung2": 2}

        reclaim = rf.propose(report, clerk)
        rf.hear(reclaim, clerk)  # sent by the clerk, answered by coordinator A
        assert told(Event.RECLAIM_HEARING) == BODY_A
        assert notification_mails(Event.RECLAIM_HEARING) == {}  # the hearing letter is their e-mail
        assert told(Event.HEARING_ANSWERED) == APPROVERS
        rf.issued(reclaim, approver2)
    assert told(Event.RECLAIM_ISSUED) == BODY_A
    issued = Notification.objects.get(event=Event.RECLAIM_ISSUED, recipient=coordinator_a)
    assert issued.path == f"/rueckforderungen/{reclaim.pk}/" and "festgesetzt" in issued.title
    # The reclaim notice is told as the reclaim, not a second time as a notice: the one notice
    # told is the Zuwendungsbescheid.
    assert told(Event.NOTICE_ISSUED) == BODY_A
    assert Notification.objects.get(event=Event.NOTICE_ISSUED, recipient=coordinator_a).title.startswith(
        "Zuwendungsbescheid")
    assert not Notification.objects.filter(recipient__username="koordination-b").exists()


def test_a_rolled_back_transition_tells_nobody(programme, cast, coordinator_a):
    application = factories.draft_application(programme, coordinator_a)
    with pytest.raises(RuntimeError), transaction.atomic():
        application_submit(application=application, user=coordinator_a)
        raise RuntimeError("Datenbankfehler nach dem Einreichen")
    assert not Notification.objects.exists()
    assert not OutboxMail.objects.exists()


def test_a_repeated_hand_over_is_told_once(programme, cast, coordinator_a, clerk):
    from grants.handovers import handover
    application = factories.submitted_application(programme, coordinator_a)
    with transaction.atomic():
        handover(Event.SUBMITTED, application=application, actor=coordinator_a,
                 key=f"application:{application.pk}:submitted")
    assert told(Event.SUBMITTED) == CLERKS
    assert OutboxMail.objects.filter(event=f"notification:{Event.SUBMITTED}").count() == 2


def test_an_inactive_person_is_not_told(programme, cast, coordinator_a, clerk2):
    clerk2.is_active = False
    clerk2.save()
    application_submit(application=factories.draft_application(programme, coordinator_a), user=coordinator_a)
    assert told(Event.SUBMITTED) == {"sachbearbeitung": 1}


def test_the_demo_import_tells_nobody(programme, cast, coordinator_a):
    from grants.notifications import muted
    with muted():
        application_submit(application=factories.draft_application(programme, coordinator_a), user=coordinator_a)
    assert not Notification.objects.exists()


def test_an_in_app_only_person_gets_the_entry_without_mail(programme, cast, coordinator_a, clerk):
    from inbox.models import Delivery
    from inbox.services import notification_setting_set
    notification_setting_set(user=clerk, delivery=Delivery.IN_APP)
    application_submit(application=factories.draft_application(programme, coordinator_a), user=coordinator_a)
    assert told(Event.SUBMITTED) == CLERKS
    assert notification_mails(Event.SUBMITTED) == {"sachbearbeitung2@example.org": 1}


def test_a_coordinator_on_the_digest_gets_no_letter_but_the_contact_address_does(programme, cast, coordinator_a,
                                                                                 colleague_a, clerk):
    from inbox.models import Delivery
    from inbox.services import notification_setting_set
    notification_setting_set(user=colleague_a, delivery=Delivery.DIGEST)
    application = factories.in_review_application(programme, coordinator_a, clerk)
    OutboxMail.objects.all().delete()
    application_request_changes(application=application, user=clerk, message="Bitte ergänzen.")
    letter = OutboxMail.objects.get(event="changes_requested")
    assert sorted(letter.to) == ["jana.keller@example.org", "koordination-a@example.org"]
    waiting = Notification.objects.get(recipient=colleague_a, event=Event.CHANGES_REQUESTED)
    assert waiting.mailed_at is None  # for the digest
    assert Notification.objects.get(recipient=coordinator_a, event=Event.CHANGES_REQUESTED).mailed_at is not None


def test_an_amendment_notice_is_told_once_with_its_letter_as_the_mail(programme, cast, coordinator_a, clerk,
                                                                      approver, approver2):
    from grants.services.amendments import amendment_approve
    from tests.grants import amendment_helpers
    with amendment_helpers.frozen():
        award = amendment_helpers.issued_award(programme, coordinator_a, clerk, approver)
        request = amendment_helpers.recommended(award, coordinator_a, clerk)
        Notification.objects.all().delete()
        OutboxMail.objects.all().delete()
        amendment_approve(request=request, user=approver2)
    assert told(Event.NOTICE_ISSUED) == BODY_A
    assert Notification.objects.filter(event=Event.NOTICE_ISSUED).first().title.startswith("Änderungsbescheid")
    assert notification_mails(Event.NOTICE_ISSUED) == {}
    assert [mail.event for mail in mails_to(coordinator_a.email)] == ["amendment_approved"]


def test_each_step_of_an_amendment_reaches_the_next_role_once(programme, cast, coordinator_a, clerk, approver,
                                                              approver2):
    from grants.services.amendments import amendment_recommend, amendment_reject, amendment_send_back, amendment_submit
    from tests.grants import amendment_helpers
    with amendment_helpers.frozen():
        award = amendment_helpers.issued_award(programme, coordinator_a, clerk, approver)
        Notification.objects.all().delete()
        OutboxMail.objects.all().delete()
        request = amendment_helpers.submitted(award, coordinator_a)
        assert told(Event.AMENDMENT_SUBMITTED) == CLERKS
        entry = Notification.objects.get(event=Event.AMENDMENT_SUBMITTED, recipient=clerk)
        reference = award.application.file_reference
        assert entry.title.startswith(f"Änderungsantrag {request.number} eingereicht: {reference}")
        assert entry.path == f"/aenderungsantraege/{request.pk}/"

        request = amendment_send_back(request=request, user=clerk, questions="Bitte die Verschiebung begründen.")
        assert told(Event.AMENDMENT_QUESTIONS) == BODY_A
        assert notification_mails(Event.AMENDMENT_QUESTIONS) == {}  # the letter is their e-mail
        assert [mail.event for mail in mails_to(coordinator_a.email)] == ["amendment_sent_back"]

        # Answered and submitted again: a new hand-over, told again (once more each).
        request = amendment_submit(request=request, user=coordinator_a)
        assert told(Event.AMENDMENT_SUBMITTED) == {"sachbearbeitung": 2, "sachbearbeitung2": 2}

        amendment_recommend(request=request, user=clerk, note="Plausibel.")
        assert told(Event.AMENDMENT_RECOMMENDED) == APPROVERS

        amendment_reject(request=request, user=approver2, reason="Nicht begründet.")
        assert told(Event.AMENDMENT_REJECTED) == BODY_A
        assert notification_mails(Event.AMENDMENT_REJECTED) == {}
