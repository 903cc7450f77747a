"""The file storage: every file a StoredFile row in the record's transaction, its bytes in the row
(database, the default) or in S3; a rollback leaves neither row nor object; a file whose bytes
changed is never served."""

import hashlib
from contextlib import suppress

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse

from files.models import StoredFile
from files.pending import discard_uncommitted
from grants.models import ApplicationAttachment
from grants.services.applications import application_submit
from tests.files.conftest import PDF, make_pdf, objects

pytestmark = pytest.mark.django_db


class Boom(Exception):
    pass


def download(client, user, attachment):
    client.force_login(user)
    return client.get(reverse("grants:attachment_download", args=[attachment.application_id, attachment.pk]))


def body(response) -> bytes:
    return b"".join(response.streaming_content)


# -- database (the default) ----------------------------------------------------------------------


def test_attachment_is_stored_in_the_database_with_its_size_and_hash(attach):
    attachment = attach()

    row = StoredFile.objects.get(name=attachment.file.name)
    assert row.backend == StoredFile.Backend.DATABASE
    assert bytes(row.content) == PDF
    assert (row.size, row.sha256) == (len(PDF), hashlib.sha256(PDF).hexdigest())
    with default_storage.open(attachment.file.name) as handle:
        assert handle.read() == PDF
    assert default_storage.size(attachment.file.name) == len(PDF)


def test_rollback_leaves_neither_attachment_nor_file_in_the_database(attach):
    with suppress(Boom), transaction.atomic():
        attach()
        raise Boom

    assert not ApplicationAttachment.objects.exists()
    assert not StoredFile.objects.exists()


def test_storage_lists_directories_and_files_by_name(attach, draft):
    first, second = attach(), attach(make_pdf("zwei"))

    assert default_storage.listdir("attachments") == ([str(draft.pk)], [])
    directories, files = default_storage.listdir(f"attachments/{draft.pk}")
    assert directories == [] and sorted(files) == sorted(name.rsplit("/", 1)[1]
                                                         for name in (first.file.name, second.file.name))


def test_stored_files_cannot_be_opened_for_writing(attach):
    attachment = attach()

    with pytest.raises(ValueError, match="nur lesbar"):
        default_storage.open(attachment.file.name, "wb")


def test_owner_and_clerk_download_the_attachment_other_body_is_refused(
        client, attach, draft, coordinator_a, coordinator_b, clerk):
    attachment = attach()
    application_submit(application=draft, user=coordinator_a)

    assert body(download(client, coordinator_a, attachment)) == PDF
    assert body(download(client, clerk, attachment)) == PDF
    assert download(client, coordinator_b, attachment).status_code == 404


def test_damaged_file_is_not_served_and_is_logged(client, attach, coordinator_a, caplog):
    attachment = attach()
    StoredFile.objects.filter(name=attachment.file.name).update(content=PDF.replace(b"Stellenplan", b"Stellenplaa"))

    response = download(client, coordinator_a, attachment)

    assert response.status_code == 404
    assert b"Stellenpla" not in response.content
    assert any("is damaged" in record.getMessage() and attachment.file.name in record.getMessage()
               for record in caplog.records)


# -- S3 (moto's server on loopback) --------------------------------------------------------------


def test_attachment_goes_to_the_bucket_and_its_row_keeps_only_size_and_hash(attach, s3):
    attachment = attach()

    row = StoredFile.objects.get(name=attachment.file.name)
    assert row.backend == StoredFile.Backend.S3 and bytes(row.content) == b""
    assert (row.size, row.sha256) == (len(PDF), hashlib.sha256(PDF).hexdigest())
    assert objects(s3) == {attachment.file.name: PDF}


def test_download_from_the_bucket_serves_the_bytes_and_refuses_the_other_body(
        client, attach, s3, coordinator_a, coordinator_b):
    attachment = attach()

    assert body(download(client, coordinator_a, attachment)) == PDF
    assert download(client, coordinator_b, attachment).status_code == 404


def test_object_changed_in_the_bucket_is_not_served(client, attach, s3, coordinator_a):
    attachment = attach()
    s3.bucket.put_object(Key=attachment.file.name, Body=make_pdf("untergeschoben"))

    assert download(client, coordinator_a, attachment).status_code == 404


def test_object_missing_from_the_bucket_answers_not_found(client, attach, s3, coordinator_a):
    attachment = attach()
    s3.bucket.Object(attachment.file.name).delete()

    response = download(client, coordinator_a, attachment)

    assert response.status_code == 404


@pytest.mark.django_db(transaction=True)
def test_rollback_removes_the_object_from_the_bucket(attach, s3):
    with suppress(Boom), transaction.atomic():
        attach()
        raise Boom

    assert discard_uncommitted() and objects(s3) == {}
    assert not StoredFile.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_rolled_back_savepoint_loses_its_object_the_committed_one_stays(attach, s3):
    with transaction.atomic():
        kept = attach()
        with suppress(Boom), transaction.atomic():
            attach(make_pdf("verworfen"))
            raise Boom
        assert discard_uncommitted() == []  # the transaction is still open: nothing decided yet

    discard_uncommitted()

    assert objects(s3) == {kept.file.name: PDF}


@pytest.mark.django_db(transaction=True)
def test_upload_request_that_fails_after_writing_leaves_no_object(client, draft, coordinator_a, s3, monkeypatch):
    def failing_audit(**kwargs):
        raise RuntimeError("Protokoll nicht erreichbar")
    monkeypatch.setattr("grants.services.applications.audit_log", failing_audit)
    client.raise_request_exception = False
    client.force_login(coordinator_a)

    response = client.post(reverse("grants:attachment_upload", args=[draft.pk]),
                           {"file": ContentFile(PDF, name="Stellenplan.pdf")})

    assert response.status_code == 500
    assert not ApplicationAttachment.objects.exists() and not StoredFile.objects.exists()
    assert objects(s3) == {}
