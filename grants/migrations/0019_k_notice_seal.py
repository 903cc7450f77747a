"""What sealed an issued notice (grants/notices/seal.py). Adding columns rewrites no row, so the
immutability trigger of 0004 does not fire; it compares the whole row (`to_jsonb(NEW)` against
`to_jsonb(OLD)`), so it guards the new columns from now on as it guards the PDF and its hash."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("grants", "0018_merge_issue_12"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="notice", name="seal_fingerprint",
            field=models.CharField(blank=True, editable=False, max_length=64,
                                   verbose_name="SHA-256 des Siegelzertifikats"),
        ),
        migrations.AddField(
            model_name="notice", name="seal_serial",
            field=models.CharField(blank=True, editable=False, max_length=80,
                                   verbose_name="Seriennummer des Siegelzertifikats"),
        ),
        migrations.AddField(
            model_name="notice", name="seal_subject",
            field=models.CharField(blank=True, editable=False, max_length=500,
                                   verbose_name="Inhaber des Siegelzertifikats"),
        ),
        migrations.AddField(
            model_name="notice", name="seal_test",
            field=models.BooleanField(default=False, editable=False, verbose_name="Testsiegel",
                                      help_text="Mit einem Testzertifikat gesiegelt – nicht für den Rechtsverkehr."),
        ),
        migrations.AddField(
            model_name="notice", name="sealed_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="gesiegelt am"),
        ),
        migrations.AddConstraint(
            model_name="notice",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("seal_fingerprint", ""), ("seal_test", False), ("sealed_at__isnull", True)),
                    models.Q(("sealed_at__isnull", False), models.Q(("seal_fingerprint", ""), _negated=True)),
                    _connector="OR"),
                name="notice_seal_complete",
                violation_error_message="Ein gesiegelter Bescheid nennt Zeitpunkt und Zertifikat des Siegels."),
        ),
    ]
