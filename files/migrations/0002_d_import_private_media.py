"""Files uploaded before the file table existed lie under PRIVATE_MEDIA_ROOT (the former
FileSystemStorage). Each one a record refers to becomes a StoredFile row with its bytes, so every
app server reads it from the database. Files that are missing on disk are left to
`manage.py verify_files`, which reports them; the disk copies are not deleted."""

import hashlib
from pathlib import Path

from django.conf import settings
from django.db import migrations

REFERENCES = (("grants", "ApplicationAttachment", "file"), ("grants", "UsageReport", "narrative"))


def import_private_media(apps, schema_editor):
    StoredFile = apps.get_model("files", "StoredFile")
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    for app_label, model_name, field in REFERENCES:
        model = apps.get_model(app_label, model_name)
        names = model.objects.exclude(**{field: ""}).values_list(field, flat=True)
        for name in names.iterator():
            path = root / name
            if StoredFile.objects.filter(name=name).exists() or not path.is_file():
                continue
            data = path.read_bytes()
            StoredFile.objects.create(name=name, backend="database", content=data, size=len(data),
                                      sha256=hashlib.sha256(data).hexdigest())


class Migration(migrations.Migration):
    dependencies = [
        ("files", "0001_d_initial"),
        ("grants", "0012_merge_issue_10"),
    ]

    operations = [migrations.RunPython(import_private_media, migrations.RunPython.noop)]
