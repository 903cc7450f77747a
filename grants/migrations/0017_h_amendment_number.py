"""Änderungsanträge are numbered per award ("Änderungsantrag 1" is each award's first) instead
of by database id: existing requests are numbered in the order they were created."""

from django.db import migrations, models


def number_existing(apps, schema_editor):
    AmendmentRequest = apps.get_model("grants", "AmendmentRequest")
    counters: dict[int, int] = {}
    for request in AmendmentRequest.objects.order_by("award_id", "created_at", "pk").only("pk", "award_id"):
        counters[request.award_id] = counters.get(request.award_id, 0) + 1
        AmendmentRequest.objects.filter(pk=request.pk).update(number=counters[request.award_id])


class Migration(migrations.Migration):
    dependencies = [
        ("grants", "0016_h_audit_case_backfill"),
    ]

    operations = [
        migrations.AddField(
            model_name="amendmentrequest",
            name="number",
            field=models.PositiveIntegerField(editable=False, null=True, verbose_name="Nummer"),
        ),
        migrations.RunPython(number_existing, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="amendmentrequest",
            name="number",
            field=models.PositiveIntegerField(editable=False, verbose_name="Nummer"),
        ),
        migrations.AddConstraint(
            model_name="amendmentrequest",
            constraint=models.UniqueConstraint(
                fields=("award", "number"), name="amendment_number_per_award",
                violation_error_message="Diese Nummer hat zu dieser Zuwendung bereits ein Änderungsantrag."),
        ),
    ]
