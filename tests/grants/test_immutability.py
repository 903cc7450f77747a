"""Issued notices and audit entries refuse bulk changes through the queryset as well as
changes through the instance: what was issued or logged stays as it was."""

from datetime import date

import pytest

from audit.models import AuditEntry, AuditEntryError
from grants.models import HandoverCeremony, IssuedRecordError, Notice
from tests import factories

ISSUED = date(2026, 10, 29)


@pytest.fixture
def notice(programme, coordinator_a, clerk, approver):
    award = factories.approved_award(programme, coordinator_a, clerk, approver, on=ISSUED, notice=False)
    return factories.issue_notice(award.application, approver, ISSUED, kind=Notice.Kind.AWARD)


@pytest.fixture
def entry(notice):
    return AuditEntry.objects.filter(action="grants.notice.issued", object_id=notice.pk).get()


@pytest.fixture
def ceremony(db):
    return HandoverCeremony.objects.create(date=ISSUED, place="Eschwege", official_title="Staatssekretärin",
                                           official_name="Anne Janz")


def test_bulk_update_of_a_notices_date_is_refused_and_the_row_is_unchanged(notice):
    with pytest.raises(IssuedRecordError, match="Erlassene Bescheide können nicht geändert werden"):
        Notice.objects.filter(pk=notice.pk).update(issued_on=date(2026, 11, 1))

    assert Notice.objects.get(pk=notice.pk).issued_on == ISSUED


def test_bulk_update_mixing_ceremony_and_another_field_is_refused(notice, ceremony):
    with pytest.raises(IssuedRecordError):
        Notice.objects.filter(pk=notice.pk).update(ceremony=ceremony, number="WIR-26-B2026-999")

    stored = Notice.objects.get(pk=notice.pk)
    assert (stored.ceremony, stored.number) == (None, "WIR-26-B2026-001")


def test_bulk_update_of_the_ceremony_is_allowed(notice, ceremony):
    changed = Notice.objects.filter(pk=notice.pk).update(ceremony=ceremony)

    assert changed == 1
    assert Notice.objects.get(pk=notice.pk).ceremony == ceremony


def test_bulk_delete_of_notices_is_refused(notice):
    with pytest.raises(IssuedRecordError, match="Erlassene Bescheide können nicht gelöscht werden"):
        Notice.objects.filter(pk=notice.pk).delete()

    assert Notice.objects.filter(pk=notice.pk).exists()


def test_bulk_update_of_audit_entries_is_refused_and_the_row_is_unchanged(entry):
    with pytest.raises(AuditEntryError, match="Protokolleinträge können nicht geändert werden"):
        AuditEntry.objects.filter(pk=entry.pk).update(action="grants.notice.forged")

    assert AuditEntry.objects.get(pk=entry.pk).action == "grants.notice.issued"


def test_bulk_delete_of_audit_entries_is_refused(entry):
    with pytest.raises(AuditEntryError, match="Protokolleinträge können nicht gelöscht werden"):
        AuditEntry.objects.filter(pk=entry.pk).delete()

    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_saving_an_existing_audit_entry_is_refused(entry):
    entry.data = {"forged": True}

    with pytest.raises(AuditEntryError, match="Protokolleinträge können nicht geändert werden"):
        entry.save()

    assert AuditEntry.objects.get(pk=entry.pk).data != {"forged": True}


def test_deleting_an_audit_entry_is_refused(entry):
    with pytest.raises(AuditEntryError, match="Protokolleinträge können nicht gelöscht werden"):
        entry.delete()

    assert AuditEntry.objects.filter(pk=entry.pk).exists()
