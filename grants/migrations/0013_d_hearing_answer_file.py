"""The PDF a body attaches to its Stellungnahme is an uploaded file like every attachment: it
moves from a bytea column of the hearing into the file storage (files.StoredFile, bytes in the
database; `manage.py move_files --to s3` moves them on). Same bytes, same SHA-256."""

import hashlib
import uuid

from django.db import migrations, models

import grants.models.reclaims


def to_file_storage(apps, schema_editor):
    ReclaimHearing = apps.get_model("grants", "ReclaimHearing")
    StoredFile = apps.get_model("files", "StoredFile")
    for hearing in ReclaimHearing.objects.exclude(answer_pdf_sha256="").iterator():
        content = bytes(hearing.answer_pdf)
        if not content:
            continue
        name = f"hearings/{hearing.reclaim_id}/{uuid.uuid4().hex}.pdf"
        StoredFile.objects.create(name=name, backend="database", content=content, size=len(content),
                                  sha256=hashlib.sha256(content).hexdigest())
        hearing.answer_file = name
        hearing.save(update_fields=["answer_file"])


def to_column(apps, schema_editor):
    ReclaimHearing = apps.get_model("grants", "ReclaimHearing")
    StoredFile = apps.get_model("files", "StoredFile")
    for hearing in ReclaimHearing.objects.exclude(answer_file="").iterator():
        stored = StoredFile.objects.get(name=hearing.answer_file)
        if stored.backend != "database":
            raise RuntimeError(f"{stored.name} liegt in S3; zuerst `manage.py move_files --to database`.")
        hearing.answer_pdf = bytes(stored.content)
        hearing.save(update_fields=["answer_pdf"])
        stored.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("grants", "0012_merge_issue_10"),
        ("files", "0001_d_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="reclaimhearing",
            name="answer_file",
            field=models.FileField(blank=True, editable=False, upload_to=grants.models.reclaims._hearing_answer_path,
                                   verbose_name="Stellungnahme (PDF)"),
        ),
        migrations.RunPython(to_file_storage, to_column),
        migrations.RemoveField(model_name="reclaimhearing", name="answer_pdf"),
        migrations.RenameField(model_name="reclaimhearing", old_name="answer_file", new_name="answer_pdf"),
    ]
