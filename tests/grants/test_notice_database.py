"""On PostgreSQL the database itself keeps issued notices and the audit trail unchanged,
whatever connects to it; and concurrent issuing draws distinct consecutive numbers."""

from datetime import date

import pytest
from django.db import DatabaseError, connection, transaction

from audit.models import AuditEntry
from grants.models import HandoverCeremony, Notice, NumberSequence
from grants.notices import render as render_module
from tests import factories
from tests.concurrency import run_together, slowed

pytestmark = pytest.mark.postgres


@pytest.fixture
def notice(db, programme, coordinator_a, clerk, approver):
    award = factories.approved_award(programme, coordinator_a, clerk, approver, on=date(2026, 3, 2), notice=False)
    return factories.issue_notice(award.application, approver, date(2026, 3, 2), kind="zuwendung")


def raw(sql, params=()):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_database_refuses_to_change_an_issued_notice(notice):
    with pytest.raises(DatabaseError, match="kann nicht geändert werden"):
        raw("UPDATE grants_notice SET issued_on = %s WHERE id = %s", [date(2026, 1, 1), notice.pk])
    with pytest.raises(DatabaseError, match="kann nicht geändert werden"):
        raw("UPDATE grants_notice SET pdf = %s WHERE id = %s", [b"%PDF-1.7 manipuliert", notice.pk])
    stored = Notice.objects.get(pk=notice.pk)
    assert (stored.issued_on, bytes(stored.pdf)) == (date(2026, 3, 2), bytes(notice.pdf))


def test_database_refuses_to_delete_an_issued_notice(notice):
    with pytest.raises(DatabaseError, match="kann nicht gelöscht werden"):
        raw("DELETE FROM grants_notice WHERE id = %s", [notice.pk])
    assert Notice.objects.filter(pk=notice.pk).exists()


def test_database_allows_attaching_a_ceremony(notice):
    ceremony = HandoverCeremony.objects.create(date=date(2026, 3, 20), place="Eschwege",
                                               official_title="Staatssekretärin", official_name="Anne Janz")
    raw("UPDATE grants_notice SET ceremony_id = %s WHERE id = %s", [ceremony.pk, notice.pk])
    assert Notice.objects.get(pk=notice.pk).ceremony == ceremony


def test_database_refuses_to_change_or_delete_audit_entries(notice):
    entry = AuditEntry.objects.filter(action="grants.notice.issued").get()
    with pytest.raises(DatabaseError, match="Protokolleinträge"):
        raw("UPDATE audit_auditentry SET action = 'verschleiert' WHERE id = %s", [entry.pk])
    with pytest.raises(DatabaseError, match="Protokolleinträge"):
        raw("DELETE FROM audit_auditentry WHERE id = %s", [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).action == "grants.notice.issued"


@pytest.mark.django_db(transaction=True)
def test_simultaneous_issuing_gives_distinct_consecutive_numbers(monkeypatch, programme, coordinator_a,
                                                                 coordinator_b, clerk, approver, approver2):
    first = factories.approved_award(programme, coordinator_a, clerk, approver, on=date(2026, 3, 2),
                                     notice=False).application
    second = factories.approved_award(programme, coordinator_b, clerk, approver, on=date(2026, 3, 2),
                                      notice=False).application
    # The year's sequence exists already: only its row lock keeps the two draws apart.
    NumberSequence.objects.create(key=f"notice:{programme.pk}:2026")
    monkeypatch.setattr("grants.services.notices.render_notice_pdf", slowed(render_module.render_notice_pdf))

    results = run_together(
        lambda: factories.issue_notice(first, approver, date(2026, 3, 2), kind="zuwendung"),
        lambda: factories.issue_notice(second, approver2, date(2026, 3, 2), kind="zuwendung"),
    )

    assert [kind for kind, _ in results] == ["ok", "ok"], results
    assert sorted(Notice.objects.values_list("number", flat=True)) == ["WIR-26-B2026-001", "WIR-26-B2026-002"]
