"""On PostgreSQL, TRUNCATE empties no append-only table (audit trail, notices, their delivery
and waiver records, payment order exports and their SEPA files, the records of xdomea hand-overs),
whatever code or tool sends it (grants/migrations/0013_g_truncate_guard.py, 0019_s, 0021). That
the test suite's own flush still passes is shown by every transactional test, these included."""

import pytest
from django.db import DatabaseError, connection, transaction

from audit.models import AuditEntry
from audit.services import audit_log

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

TABLES = ("grants_notice", "grants_paymentorderexport", "grants_noticedelivery", "grants_remedywaiver",
          "grants_paymentordersepafile", "grants_casefiletransfer", "grants_casefiletransfer_applications",
          "audit_auditentry")


@pytest.mark.parametrize("table", TABLES)
def test_truncate_of_an_append_only_table_is_refused(clerk, table):
    audit_log(actor=clerk, action="test.eintrag", target=clerk)
    before = AuditEntry.objects.count()

    with (pytest.raises(DatabaseError, match="TRUNCATE der Tabelle .* ist nicht erlaubt"),
          transaction.atomic(), connection.cursor() as cursor):
        cursor.execute(f"TRUNCATE {table} CASCADE")

    assert AuditEntry.objects.count() == before

