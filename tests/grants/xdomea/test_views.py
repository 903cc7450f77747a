"""Handing case files over in the browser (grants/views/transfers.py): who may export a grant's
file and who may send a period's closed grants to the archive; the record of each hand-over, its
audit entries and the explicit repetition; only closed grants go to the archive."""

import hashlib

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from audit.models import AuditEntry
from background.jobs import job_start
from background.models import Job
from grants.models import CaseFileTransfer
from grants.models.notices import IssuedRecordError
from grants.policies import may_casefile_export
from grants.xdomea.schema import load_schema
from tests import factories
from tests.grants.xdomea.conftest import NS, document_fields, documents, run_job, unpack

K = Job.Kind


def export_url(application):
    return reverse("grants:casefile_export", args=[application.pk])


def archive_page(programme):
    return reverse("grants:archive_transfers", args=[programme.pk])


def archive_start(programme):
    return reverse("grants:archive_transfer", args=[programme.pk])


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


# -- one grant's file to the e-file system -----------------------------------------------------------------------


@pytest.mark.parametrize("who", ["clerk", "approver", "programme_admin"])
def test_ministry_staff_export_a_grants_file_and_the_hand_over_is_recorded(request, who, closed_award):
    user = request.getfixturevalue(who)
    client = request.getfixturevalue("client")
    client.force_login(user)

    response = client.post(export_url(closed_award.application))

    job = Job.objects.get(kind=K.XDOMEA_ABGABE)
    assert response.url == reverse("background:job_detail", args=[job.uuid])
    job, data = run_job(K.XDOMEA_ABGABE)
    transfer = CaseFileTransfer.objects.get()
    assert job.status == Job.Status.DONE and job.result_name == transfer.package_name
    assert transfer.package_name == f"{transfer.process_id}_Abgabe.Abgabe.0401.zip"
    assert transfer.package_sha256 == hashlib.sha256(data).hexdigest() == job.result_sha256
    assert transfer.package_size == len(data) and transfer.created_by == user and not transfer.again
    assert list(transfer.applications.all()) == [closed_award.application]
    assert transfer.message_type == CaseFileTransfer.MessageType.ABGABE
    assert transfer.recipient == "E-Akte Hessen (Dokumentenmanagementsystem)"
    _files, message = unpack(data)
    load_schema("Abgabe.Abgabe.0401").assertValid(message)
    assert message.findtext("x:Kopf/x:ProzessID", namespaces=NS) == str(transfer.process_id)
    assert transfer.document_count == len(documents(message))
    entry = AuditEntry.objects.get(action="grants.casefile.exported", object_id=transfer.pk,
                                   content_type__model="casefiletransfer")
    assert entry.actor == user and entry.data["process_id"] == str(transfer.process_id)
    assert entry.data["sha256"] == transfer.package_sha256
    assert AuditEntry.objects.filter(action="grants.casefile.exported", case_id=closed_award.application_id).exists()


def test_the_application_page_offers_the_export_to_the_ministry_only(client, closed_award, clerk, coordinator_a):
    url = reverse("grants:application_detail", args=[closed_award.application_id])
    client.force_login(clerk)
    assert "E-Akte exportieren (xdomea)" in client.get(url).content.decode()

    client.force_login(coordinator_a)
    assert "E-Akte exportieren (xdomea)" not in client.get(url).content.decode()


def test_a_coordinator_cannot_export_even_the_own_bodys_file(client, closed_award, coordinator_a):
    client.force_login(coordinator_a)

    response = client.post(export_url(closed_award.application))

    assert response.status_code == 403
    assert "Nur das Ministerium kann eine Akte als xdomea-Nachricht exportieren." in response.content.decode()
    assert not Job.objects.exists()


def test_another_bodys_coordinator_does_not_even_find_the_file(client, closed_award, coordinator_b):
    client.force_login(coordinator_b)

    assert client.post(export_url(closed_award.application)).status_code == 404
    assert not Job.objects.exists()


def test_a_draft_has_no_file_to_export(client, past_programme, coordinator_a, clerk):
    draft = factories.draft_application(past_programme, coordinator_a)
    client.force_login(clerk)

    assert client.post(export_url(draft)).status_code == 404  # the ministry does not see drafts at all
    assert str(may_casefile_export(clerk, draft)) == (
        "Ein Entwurf hat noch kein Aktenzeichen und damit keine Akte, die exportiert werden könnte.")
    assert not Job.objects.exists()


def test_a_coordinator_cannot_run_an_export_job_someone_else_started_for_them(closed_award, coordinator_a):
    """The runner asks the policy again: a job in a coordinator's name (a role changed meanwhile)
    fails in German instead of handing the file out."""
    job_start(user=coordinator_a, kind=K.XDOMEA_ABGABE, target=closed_award.application, label="E-Akte")

    job, _data = run_job(K.XDOMEA_ABGABE)

    assert job.status == Job.Status.FAILED
    assert job.error == "Nur das Ministerium kann eine Akte als xdomea-Nachricht exportieren."
    assert not CaseFileTransfer.objects.exists()


# -- a period's closed grants to the archive ----------------------------------------------------------------------


def test_the_archive_gets_only_the_closed_grants_of_the_period_and_the_hand_over_is_recorded(
        client, programme_admin, closed_award, running_award, past_programme):
    client.force_login(programme_admin)

    response = client.post(archive_start(past_programme))

    assert response.url == reverse("background:job_detail", args=[Job.objects.get().uuid])
    job, data = run_job(K.XDOMEA_AUSSONDERUNG)
    assert job.status == Job.Status.DONE, job.error
    transfer = CaseFileTransfer.objects.get()
    assert transfer.message_type == CaseFileTransfer.MessageType.AUSSONDERUNG
    assert transfer.package_name == f"{transfer.process_id}_Aussonderung.Aussonderung.0503.zip"
    assert list(transfer.applications.all()) == [closed_award.application]
    assert transfer.file_references == [closed_award.application.file_reference]
    assert transfer.package_sha256 == hashlib.sha256(data).hexdigest() and transfer.package_size == len(data)
    assert transfer.recipient == "Hessisches Landesarchiv" and transfer.programme == past_programme
    files, message = unpack(data)
    load_schema("Aussonderung.Aussonderung.0503").assertValid(message)
    refs = [a.findtext("x:AllgemeineMetadaten/x:Kennzeichen", namespaces=NS)
            for a in message.findall("x:Schriftgutobjekt/x:Akte", NS)]
    assert refs == [closed_award.application.file_reference]
    assert running_award.application.file_reference not in data.decode("latin-1")
    assert all(document_fields(d)["Dateiname"] in files for d in documents(message))
    assert AuditEntry.objects.filter(action="grants.casefile.archived", actor=programme_admin).count() == 2

    page = client.get(archive_page(past_programme)).content.decode()
    assert str(transfer.process_id) in page and transfer.package_sha256 in page


def test_handing_the_same_grants_over_again_must_be_confirmed_and_is_recorded_again(
        client, programme_admin, closed_award, past_programme):
    client.force_login(programme_admin)
    client.post(archive_start(past_programme))
    run_job(K.XDOMEA_AUSSONDERUNG)
    page = client.get(archive_page(past_programme)).content.decode()
    assert "ja, zuletzt am" in page and 'name="erneut"' in page

    refused = client.post(archive_start(past_programme))
    assert refused.url == archive_page(past_programme)
    assert messages_of(refused) == [
        f"Die Akte {closed_award.application.file_reference} wurde bereits an das Archiv übergeben. Soll sie "
        "erneut übergeben werden, bitte „Erneut übergeben“ ausdrücklich bestätigen."]
    assert Job.objects.filter(kind=K.XDOMEA_AUSSONDERUNG).count() == 1

    client.post(archive_start(past_programme), {"erneut": "1"})
    job, _data = run_job(K.XDOMEA_AUSSONDERUNG)
    assert job.status == Job.Status.DONE
    first, second = CaseFileTransfer.objects.order_by("created_at", "pk")
    assert (first.again, second.again) == (False, True) and first.process_id != second.process_id


def test_nothing_closed_in_the_period_means_no_package(client, programme_admin, running_award, past_programme):
    client.force_login(programme_admin)

    page = client.get(archive_page(past_programme)).content.decode()
    response = client.post(archive_start(past_programme))

    assert "In dieser Förderperiode ist noch keine Zuwendung abgeschlossen" in page
    assert messages_of(response) == [f"In der Förderperiode {past_programme} ist keine Zuwendung abgeschlossen; es "
                                     "gibt nichts an das Archiv zu übergeben."]
    assert not Job.objects.exists() and not CaseFileTransfer.objects.exists()


@pytest.mark.parametrize("who", ["clerk", "approver", "coordinator_a"])
def test_only_the_programme_administration_hands_over_to_the_archive(request, client, who, closed_award,
                                                                     past_programme):
    client.force_login(request.getfixturevalue(who))

    assert client.get(archive_page(past_programme)).status_code == 403
    assert client.post(archive_start(past_programme)).status_code == 403
    assert not Job.objects.exists()


def test_the_archive_job_is_not_visible_to_the_clerks(client, programme_admin, clerk, closed_award, past_programme):
    client.force_login(programme_admin)
    client.post(archive_start(past_programme))
    job, _data = run_job(K.XDOMEA_AUSSONDERUNG)

    client.force_login(clerk)
    assert client.get(reverse("background:job_download", args=[job.uuid])).status_code == 404


def test_a_hand_over_record_cannot_be_changed_or_deleted(client, programme_admin, closed_award, past_programme):
    client.force_login(programme_admin)
    client.post(archive_start(past_programme))
    run_job(K.XDOMEA_AUSSONDERUNG)
    transfer = CaseFileTransfer.objects.get()

    with pytest.raises(IssuedRecordError):
        transfer.save()
    with pytest.raises(IssuedRecordError):
        transfer.delete()
    with pytest.raises(IssuedRecordError):
        CaseFileTransfer.objects.update(recipient="jemand anderes")


def test_every_download_of_a_package_is_in_the_audit_trail(client, clerk, approver, closed_award):
    client.force_login(clerk)
    client.post(export_url(closed_award.application))
    job, data = run_job(K.XDOMEA_ABGABE)

    client.force_login(approver)  # another ministry person fetches the same package
    response = client.get(reverse("background:job_download", args=[job.uuid]))

    assert response.content == data and response["Content-Type"] == "application/zip"
    [entry] = AuditEntry.objects.filter(action="background.job.downloaded")
    assert entry.actor == approver and entry.object_id == job.pk
    assert entry.data == {"kind": "xdomea_abgabe", "name": job.result_name, "sha256": job.result_sha256}


@pytest.mark.postgres
def test_postgresql_itself_refuses_to_change_a_hand_over_record_or_its_files(client, programme_admin, closed_award,
                                                                               past_programme):
    """Whatever writes to the database directly (a tool, a script) cannot rewrite what was handed over."""
    from django.db import DatabaseError, connection, transaction
    client.force_login(programme_admin)
    client.post(archive_start(past_programme))
    run_job(K.XDOMEA_AUSSONDERUNG)
    transfer = CaseFileTransfer.objects.get()

    for statement in (f"UPDATE grants_casefiletransfer SET recipient = 'jemand anderes' WHERE id = {transfer.pk}",
                      f"DELETE FROM grants_casefiletransfer WHERE id = {transfer.pk}",
                      f"DELETE FROM grants_casefiletransfer_applications WHERE casefiletransfer_id = {transfer.pk}"):
        with (pytest.raises(DatabaseError, match="Übergaben von Akten"), transaction.atomic(),
              connection.cursor() as cursor):
            cursor.execute(statement)

    transfer.refresh_from_db()
    assert transfer.recipient != "jemand anderes"
    assert list(transfer.applications.all()) == [closed_award.application]
