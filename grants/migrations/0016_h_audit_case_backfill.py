"""Links the existing audit entries of applications, awards, notices, payment calls, proofs,
reclaims and amendments to their case file (`AuditEntry.case_id`, the application's id), so
that the case history reads one indexed query.

Audit entries are append-only; on PostgreSQL a trigger refuses every UPDATE. This migration
alone fills the new, empty column: it suspends the trigger for the length of its own
transaction and writes nothing but `case_id` where it is still empty."""

from django.db import migrations
from django.db.models import OuterRef, Subquery

# model → the path from it to its application's id
CASE_PATHS = {
    "application": "pk",
    "award": "application_id",
    "notice": "application_id",
    "amendmentrequest": "award__application_id",
    "reclaim": "award__application_id",
    "usagereport": "award__application_id",
    "disbursement": "award_year__award__application_id",
}


def forwards(apps, schema_editor):
    AuditEntry = apps.get_model("audit", "AuditEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres:
        schema_editor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_auditentry_append_only")
    for model_name, path in CASE_PATHS.items():
        content_type = ContentType.objects.filter(app_label="grants", model=model_name).first()
        if content_type is None:
            continue
        model = apps.get_model("grants", model_name)
        case = model.objects.filter(pk=OuterRef("object_id")).values(path)[:1]
        AuditEntry._base_manager.filter(content_type=content_type, case_id__isnull=True).update(case_id=Subquery(case))
    if postgres:
        schema_editor.execute("ALTER TABLE audit_auditentry ENABLE TRIGGER audit_auditentry_append_only")


class Migration(migrations.Migration):
    dependencies = [
        ("grants", "0015_merge_issue_11"),
        ("audit", "0003_h_case_link"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
