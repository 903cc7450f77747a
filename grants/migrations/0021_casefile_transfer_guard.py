"""On PostgreSQL the database itself refuses to change, delete or truncate a record of an xdomea
hand-over (and the list of files it handed over), as it does for notices, their deliveries and
the payment order exports (0004, 0011_c, 0013_g, 0019_s): what went to the e-file system or
the archive stays on record whatever code or tool writes to the database."""

from django.db import migrations

TABLES = ("grants_casefiletransfer", "grants_casefiletransfer_applications")

FORWARD = r"""
CREATE OR REPLACE FUNCTION wirfunding_casefile_transfer_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'Übergaben von Akten (xdomea) können nicht geändert oder gelöscht werden.';
END;
$$ LANGUAGE plpgsql;
""" + "".join(f"""
CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION wirfunding_casefile_transfer_append_only();
CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION wirfunding_refuse_truncate();
""" for table in TABLES)

BACKWARD = "".join(f"""
DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};
DROP TRIGGER IF EXISTS {table}_append_only ON {table};
""" for table in TABLES) + """
DROP FUNCTION IF EXISTS wirfunding_casefile_transfer_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ("grants", "0020_merge_issue_13"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
