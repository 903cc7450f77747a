from datetime import date

import pytest

from audit.selectors import audit_entries_for
from core.errors import DomainError, FieldErrors, NotPermitted
from grants.models import HandoverCeremony, IssuedRecordError, Notice, NumberSequence
from grants.services.awards import application_reject
from grants.services.notices import notice_attach_ceremony
from tests import factories

K = Notice.Kind
ISSUED = date(2026, 10, 29)


@pytest.fixture
def award(programme, coordinator_a, clerk, approver):
    return factories.approved_award(programme, coordinator_a, clerk, approver, on=date(2026, 10, 20), notice=False)


@pytest.fixture
def award_b(programme, coordinator_b, clerk, approver):
    return factories.approved_award(programme, coordinator_b, clerk, approver, on=date(2026, 10, 20), notice=False)


@pytest.fixture
def rejected(programme, coordinator_a, clerk, approver):
    with factories.at(date(2026, 10, 20)):
        application = factories.in_review_application(programme, coordinator_a, clerk)
        application_reject(application=application, user=approver, reason="Nicht förderfähig.")
    application.refresh_from_db()
    return application


@pytest.fixture
def ceremony(db):
    return HandoverCeremony.objects.create(date=date(2026, 10, 29), place="Eschwege",
                                           official_title="Staatssekretärin", official_name="Anne Janz")


def record(application, user, kind=K.AWARD, issued_on=ISSUED, **kwargs):
    return factories.issue_notice(application, user, issued_on, kind=kind, **kwargs)


def test_approver_records_the_award_notice_with_the_first_number_of_the_year(award, approver):
    notice = record(award.application, approver)

    notice.refresh_from_db()
    assert notice.number == "WIR-26-B2026-001"
    assert (notice.kind, notice.application, notice.award, notice.issued_by, notice.issued_on) == (
        K.AWARD, award.application, award, approver, ISSUED)


def test_recording_a_notice_writes_an_audit_entry(award, approver):
    notice = record(award.application, approver)

    entry = audit_entries_for(notice).get(action="grants.notice.issued")
    assert entry.actor == approver
    assert entry.data == {"kind": "zuwendung", "number": "WIR-26-B2026-001", "application": "WIR-26-0001",
                          "sha256": notice.sha256}
    assert len(notice.sha256) == 64


def test_notice_numbers_run_on_per_programme_and_year(award, award_b, approver):
    first = record(award.application, approver)
    second = record(award_b.application, approver)

    assert (first.number, second.number) == ("WIR-26-B2026-001", "WIR-26-B2026-002")


def test_notice_numbers_start_again_in_a_new_year(award, award_b, approver):
    record(award.application, approver, issued_on=date(2026, 12, 30))

    notice = record(award_b.application, approver, issued_on=date(2027, 1, 4))

    assert notice.number == "WIR-26-B2027-001"


@pytest.mark.parametrize("user", ["clerk", "coordinator_a", "programme_admin"])
def test_notice_needs_authority_to_issue(award, user, request):
    with pytest.raises(NotPermitted, match="Nur Personen mit Bewilligungsbefugnis können Bescheide erlassen"):
        record(award.application, request.getfixturevalue(user))

    assert not Notice.objects.exists()


def test_award_notice_needs_an_approved_application(programme, coordinator_a, clerk, approver):
    application = factories.recommended_application(programme, coordinator_a, clerk)

    with pytest.raises(DomainError, match="setzen eine Bewilligung voraus"):
        record(application, approver)

    assert not Notice.objects.exists()
    assert not NumberSequence.objects.filter(key__startswith="notice:").exists()


def test_second_award_notice_for_the_same_award_is_refused(award, approver, approver2):
    record(award.application, approver)

    with pytest.raises(DomainError, match="bereits ein Zuwendungsbescheid erlassen"):
        record(award.application, approver2)

    assert Notice.objects.count() == 1


def test_rejection_notice_is_recorded_for_a_rejected_application(rejected, approver):
    notice = record(rejected, approver, kind=K.REJECTION)

    assert (notice.kind, notice.award, notice.number) == (K.REJECTION, None, "WIR-26-B2026-001")


def test_rejection_notice_needs_a_rejected_application(award, approver):
    with pytest.raises(DomainError, match="Ein Ablehnungsbescheid setzt eine Ablehnung voraus"):
        record(award.application, approver, kind=K.REJECTION)

    assert not Notice.objects.exists()


def test_award_notice_for_a_rejected_application_is_refused(rejected, approver):
    with pytest.raises(DomainError, match="setzen eine Bewilligung voraus"):
        record(rejected, approver)

    assert not Notice.objects.exists()


def test_amendment_refers_to_an_earlier_notice_of_the_same_application(award, approver):
    original = record(award.application, approver)

    amendment = record(award.application, approver, kind=K.AMENDMENT, issued_on=date(2027, 2, 1),
                       refers_to=original, changes="Der Bewilligungszeitraum endet am 31.12.2031.")

    assert (amendment.refers_to, amendment.award, amendment.number) == (original, award, "WIR-26-B2027-001")
    assert list(original.amendments.all()) == [amendment]
    assert amendment.snapshot["amendment"] == {"refers_to_number": original.number,
                                               "refers_to_date": original.issued_on.isoformat(),
                                               "changes": "Der Bewilligungszeitraum endet am 31.12.2031."}


def test_amendment_must_state_what_changes(award, approver):
    original = record(award.application, approver)
    with pytest.raises(FieldErrors) as refusal:
        record(award.application, approver, kind=K.AMENDMENT, refers_to=original, changes="  ")
    assert "was der Änderungsbescheid ändert" in refusal.value.errors["changes"][0]
    assert award.application.notices.count() == 1


def test_amendment_without_reference_is_refused(award, approver):
    record(award.application, approver)

    with pytest.raises(DomainError, match="muss auf einen Bescheid desselben Antrags verweisen"):
        record(award.application, approver, kind=K.AMENDMENT)

    assert not Notice.objects.filter(kind=K.AMENDMENT).exists()


def test_amendment_referring_to_another_applications_notice_is_refused(award, award_b, approver):
    record(award.application, approver)
    foreign = record(award_b.application, approver)

    with pytest.raises(DomainError, match="desselben Antrags"):
        record(award.application, approver, kind=K.AMENDMENT, refers_to=foreign)

    assert not Notice.objects.filter(kind=K.AMENDMENT).exists()


def test_issued_notice_cannot_change_its_date(award, approver):
    notice = record(award.application, approver)
    notice.issued_on = date(2026, 11, 1)

    with pytest.raises(IssuedRecordError, match="Ein erlassener Bescheid kann nicht geändert werden"):
        notice.save()

    assert Notice.objects.get(pk=notice.pk).issued_on == ISSUED


def test_issued_notice_cannot_change_its_number(award, approver):
    notice = record(award.application, approver)
    notice.number = "WIR-26-B2026-999"

    with pytest.raises(IssuedRecordError):
        notice.save()

    assert Notice.objects.get(pk=notice.pk).number == "WIR-26-B2026-001"


def test_issued_notice_cannot_be_deleted(award, approver):
    notice = record(award.application, approver)

    with pytest.raises(IssuedRecordError, match="kann nicht gelöscht werden"):
        notice.delete()

    assert Notice.objects.filter(pk=notice.pk).exists()


def test_issued_notice_may_be_attached_to_a_ceremony(award, approver, ceremony):
    notice = record(award.application, approver)

    notice_attach_ceremony(notice=notice, ceremony=ceremony, user=approver)

    notice.refresh_from_db()
    assert notice.ceremony == ceremony
    entry = audit_entries_for(notice).get(action="grants.notice.ceremony_set")
    assert (entry.actor, entry.changes) == (approver, {"ceremony": [None, ceremony.pk]})


def test_notice_may_be_recorded_with_its_ceremony(award, approver, ceremony):
    notice = record(award.application, approver, ceremony=ceremony)

    assert Notice.objects.get(pk=notice.pk).ceremony == ceremony


def test_clerk_cannot_attach_a_ceremony(award, approver, clerk, ceremony):
    notice = record(award.application, approver)

    with pytest.raises(NotPermitted):
        notice_attach_ceremony(notice=notice, ceremony=ceremony, user=clerk)

    notice.refresh_from_db()
    assert notice.ceremony is None


def test_notice_of_an_unknown_kind_is_refused(award, approver):
    with pytest.raises(DomainError, match="Unbekannte Bescheidart"):
        record(award.application, approver, kind="mahnung")

    assert not Notice.objects.exists()


def test_who_recommended_the_award_may_not_issue_its_notice(programme, coordinator_a, approver, approver2):
    # An approver may also do the clerk's work; having recommended, she may not sign the notice.
    award = factories.approved_award(programme, coordinator_a, approver, approver2, on=date(2026, 10, 20), notice=False)
    with pytest.raises(NotPermitted, match="Vier-Augen-Prinzip"):
        record(award.application, approver)
    assert not Notice.objects.exists()
    assert not NumberSequence.objects.filter(key__startswith="notice:", last_value__gt=0).exists()
    assert record(award.application, approver2).number == "WIR-26-B2026-001"
