"""move_files moves every file between the database and S3 and verifies each SHA-256 both ways;
verify_files reports every missing or damaged file (and notice) with a non-zero exit."""

import hashlib
import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from files.models import StoredFile
from grants.models import Notice
from tests import factories
from tests.files.conftest import PDF, make_pdf, objects

pytestmark = pytest.mark.django_db

Backend = StoredFile.Backend


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=out)
    return out.getvalue()


def failing(*args) -> str:
    out = io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command(*args, stdout=out, stderr=out)
    return out.getvalue() + str(failure.value)


@pytest.fixture
def three(attach):
    return [attach(make_pdf(f"Anlage {n}"), name=f"Anlage {n}.pdf") for n in range(3)]


def test_move_to_s3_and_back_keeps_every_byte_and_switches_the_rows(three, s3, settings):
    settings.FILE_STORAGE = "database"
    contents = {a.file.name: bytes(StoredFile.objects.get(name=a.file.name).content) for a in three}

    assert "3 Dateien nach „s3“ verschoben und geprüft, 0 lagen schon dort, 0 fehlgeschlagen" in run(
        "move_files", "--to", "s3")

    assert objects(s3) == contents
    assert set(StoredFile.objects.values_list("backend", "content")) == {(Backend.S3, b"")}
    assert "0 fehlen oder sind beschädigt" in run("verify_files")

    assert "3 Dateien nach „database“ verschoben" in run("move_files", "--to", "database")

    assert objects(s3) == {}
    assert {row.name: bytes(row.content) for row in StoredFile.objects.all()} == contents
    assert set(StoredFile.objects.values_list("backend", flat=True)) == {Backend.DATABASE}


def test_move_again_moves_nothing_twice(three, s3):
    run("move_files", "--to", "s3")

    assert "0 Dateien nach „s3“ verschoben und geprüft, 3 lagen schon dort" in run("move_files", "--to", "s3")


def test_dry_run_counts_and_moves_nothing(three, s3):
    assert "3 Dateien würden nach „s3“ verschoben, 0 liegen schon dort" in run("move_files", "--to", "s3", "--dry-run")

    assert objects(s3) == {}
    assert set(StoredFile.objects.values_list("backend", flat=True)) == {Backend.DATABASE}


def test_damaged_file_is_not_moved_and_the_run_fails_naming_it(three, s3):
    damaged = three[1].file.name
    StoredFile.objects.filter(name=damaged).update(content=make_pdf("falsch"))

    output = failing("move_files", "--to", "s3")

    assert damaged in output and "2 Dateien nach „s3“ verschoben" in output and "1 fehlgeschlagen" in output
    assert StoredFile.objects.get(name=damaged).backend == Backend.DATABASE
    assert damaged not in objects(s3)


def test_moved_file_is_still_served_with_its_permissions(client, three, s3, coordinator_a, coordinator_b):
    run("move_files", "--to", "s3")
    attachment = three[0]
    url = reverse("grants:attachment_download", args=[attachment.application_id, attachment.pk])

    client.force_login(coordinator_a)
    assert b"".join(client.get(url).streaming_content) == objects(s3)[attachment.file.name]
    client.force_login(coordinator_b)
    assert client.get(url).status_code == 404


def test_moving_to_s3_without_a_bucket_is_refused(three, settings):
    settings.FILE_S3 = {**settings.FILE_S3, "bucket_name": ""}

    with pytest.raises(Exception, match="FILE_S3_BUCKET"):
        call_command("move_files", "--to", "s3")


def test_verify_files_passes_on_intact_files(three):
    assert "3 gespeicherte Dateien, 3 Verweise und Dokumente geprüft; 0 fehlen" in run("verify_files")


def test_verify_files_reports_a_damaged_file(three):
    damaged = three[2].file.name
    StoredFile.objects.filter(name=damaged).update(content=PDF)

    output = failing("verify_files")

    assert f"beschädigt: {damaged}" in output and "1 fehlen oder sind beschädigt" in output


def test_verify_files_reports_a_missing_file_and_a_missing_object(three, s3):
    run("move_files", "--to", "s3")
    StoredFile.objects.filter(name=three[0].file.name).delete()
    s3.bucket.Object(three[1].file.name).delete()

    output = failing("verify_files")

    assert f"verweist auf {three[0].file.name}, die Datei gibt es nicht" in output
    assert f"fehlt: {three[1].file.name}" in output
    assert "2 fehlen oder sind beschädigt" in output


def test_verify_files_reports_a_record_whose_hash_differs_from_its_file(three):
    three[0].__class__.objects.filter(pk=three[0].pk).update(sha256=hashlib.sha256(b"anders").hexdigest())

    assert f"ApplicationAttachment.file #{three[0].pk}: Datei {three[0].file.name}" in failing("verify_files")


def test_verify_files_checks_the_bytes_of_issued_notices(programme, coordinator_a, clerk, approver):
    award = factories.approved_award(programme, coordinator_a, clerk, approver)
    notice = Notice.objects.get(award=award)
    assert "0 fehlen oder sind beschädigt" in run("verify_files")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Damage as only someone with the table owner's rights could; the test's rollback restores it.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending deferred checks on the table
            cursor.execute("ALTER TABLE grants_notice DISABLE TRIGGER USER")
        cursor.execute("UPDATE grants_notice SET pdf = %s WHERE id = %s", [bytes(notice.pdf)[:-1], notice.pk])

    assert f"beschädigt: grants.Notice.pdf #{notice.pk}" in failing("verify_files")



def test_sweep_removes_only_old_objects_without_a_row(three, s3, monkeypatch):
    run("move_files", "--to", "s3")
    s3.bucket.put_object(Key="attachments/999/verwaist.pdf", Body=PDF)

    assert "0 verwaiste Objekte älter als 1 h entfernt" in run("sweep_files", "--older-than-hours", "1")
    later = timezone.now() + timedelta(hours=2)
    monkeypatch.setattr("files.management.commands.sweep_files.timezone.now", lambda: later)
    assert "verwaist: attachments/999/verwaist.pdf" in run("sweep_files", "--older-than-hours", "1", "--dry-run")
    assert "attachments/999/verwaist.pdf" in objects(s3)

    output = run("sweep_files", "--older-than-hours", "1")

    assert "1 verwaiste Objekte älter als 1 h entfernt" in output
    assert set(objects(s3)) == {a.file.name for a in three}
