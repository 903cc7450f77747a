"""On PostgreSQL, TRUNCATE of an append-only table is refused like DELETE: the row triggers of
0004, 0005 and 0011_c do not fire on TRUNCATE, which empties a table without touching its rows.

One statement trigger per table. The only way past it is the flush of a *test* database
(pytest-django empties the tables after transactional tests): tests/conftest.py makes that flush
set `wirfunding.allow_truncate = on` for its own transaction, and the trigger honours the
setting only in a database whose name starts with `test_`. A production database refuses it
whatever the session sets."""

from django.db import migrations

APPEND_ONLY_TABLES = ("grants_notice", "grants_paymentorderexport", "grants_noticedelivery",
                      "grants_remedywaiver", "audit_auditentry")

FUNCTION = r"""
CREATE OR REPLACE FUNCTION wirfunding_refuse_truncate() RETURNS trigger AS $$
BEGIN
    IF current_database() LIKE 'test\_%' AND current_setting('wirfunding.allow_truncate', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'TRUNCATE der Tabelle % ist nicht erlaubt: ihre Einträge sind unveränderlich.', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)
    for table in APPEND_ONLY_TABLES:
        schema_editor.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                              "FOR EACH STATEMENT EXECUTE FUNCTION wirfunding_refuse_truncate();", params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in APPEND_ONLY_TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};", params=None)
    schema_editor.execute("DROP FUNCTION IF EXISTS wirfunding_refuse_truncate();", params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("grants", "0012_merge_issue_10"),
        ("audit", "0002_alter_auditentry_content_type_and_more"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
