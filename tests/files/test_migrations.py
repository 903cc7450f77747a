"""Files of older installations lie under PRIVATE_MEDIA_ROOT; the data migration takes every file a
record refers to into the file table with its bytes and hash, once."""

import hashlib
import importlib

import pytest
from django.apps import apps
from django.core.files.storage import default_storage

from files.models import StoredFile
from grants.models import ApplicationAttachment
from tests.files.conftest import PDF

pytestmark = pytest.mark.django_db

migration = importlib.import_module("files.migrations.0002_d_import_private_media")


def test_files_on_disk_are_imported_with_their_hash_once(draft, coordinator_a, settings, tmp_path):
    name = f"attachments/{draft.pk}/alt.pdf"
    (tmp_path / "attachments" / str(draft.pk)).mkdir(parents=True)
    (tmp_path / name).write_bytes(PDF)
    ApplicationAttachment.objects.create(application=draft, file=name, original_name="alt.pdf", size=len(PDF),
                                         sha256=hashlib.sha256(PDF).hexdigest(), uploaded_by=coordinator_a)
    ApplicationAttachment.objects.create(application=draft, file=f"attachments/{draft.pk}/fehlt.pdf",
                                         original_name="fehlt.pdf", size=1, sha256="0" * 64,
                                         uploaded_by=coordinator_a)
    settings.PRIVATE_MEDIA_ROOT = tmp_path

    migration.import_private_media(apps, None)
    migration.import_private_media(apps, None)

    row = StoredFile.objects.get()
    assert (row.name, row.backend, row.sha256) == (name, "database", hashlib.sha256(PDF).hexdigest())
    with default_storage.open(name) as handle:
        assert handle.read() == PDF
