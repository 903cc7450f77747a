"""On PostgreSQL, the database itself refuses to change or delete issued notices (apart
from attaching a handover ceremony) and audit entries, whatever code or tool connects.
SQLite, the development database, relies on the model and queryset guards alone."""

from django.db import migrations

FORWARD = r"""
CREATE OR REPLACE FUNCTION wirfunding_notice_immutable() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'Ein erlassener Bescheid kann nicht gelöscht werden (Bescheid %).', OLD.number;
    END IF;
    IF (to_jsonb(NEW) - 'ceremony_id') IS DISTINCT FROM (to_jsonb(OLD) - 'ceremony_id') THEN
        RAISE EXCEPTION 'Ein erlassener Bescheid kann nicht geändert werden (Bescheid %); eine Korrektur ist ein neuer Änderungsbescheid.', OLD.number;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER grants_notice_immutable BEFORE UPDATE OR DELETE ON grants_notice
    FOR EACH ROW EXECUTE FUNCTION wirfunding_notice_immutable();

CREATE OR REPLACE FUNCTION wirfunding_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'Protokolleinträge können nicht geändert oder gelöscht werden.';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_auditentry_append_only BEFORE UPDATE OR DELETE ON audit_auditentry
    FOR EACH ROW EXECUTE FUNCTION wirfunding_audit_append_only();
"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS grants_notice_immutable ON grants_notice;
DROP FUNCTION IF EXISTS wirfunding_notice_immutable();
DROP TRIGGER IF EXISTS audit_auditentry_append_only ON audit_auditentry;
DROP FUNCTION IF EXISTS wirfunding_audit_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("grants", "0003_notice_pdf_and_programme_texts"),
        ("audit", "0002_alter_auditentry_content_type_and_more"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
