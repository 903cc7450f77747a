"""Background jobs: started once however often the button is pressed, run once however often
the task is delivered, their progress and result on a page that only the owner (and the
ministry's staff) may open, the result file checked against its SHA-256."""

import hashlib
import io
import zipfile
from datetime import date, timedelta

import pytest
from django.core.files.storage import default_storage
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from background.jobs import job_run, job_start
from background.models import Job
from grants.models import HandoverCeremony, Notice
from grants.notices.ceremony import ceremony_bundle_pdf
from grants.services.notices import notice_attach_ceremony
from tests import factories

S = Job.Status
K = Job.Kind


@pytest.fixture
def notice(programme, coordinator_a, clerk, approver):
    award = factories.approved_award(programme, coordinator_a, clerk, approver, on=date(2026, 10, 29), notice=False)
    return factories.issue_notice(award.application, approver, date(2026, 10, 29), kind=Notice.Kind.AWARD)


@pytest.fixture
def ceremony(notice, approver):
    ceremony = HandoverCeremony.objects.create(date=date(2026, 10, 29), place="Eschwege",
                                               official_title="Staatssekretärin", official_name="Anne Janz")
    notice_attach_ceremony(notice=notice, ceremony=ceremony, user=approver)
    return ceremony


@pytest.fixture
def bundle_job(ceremony, clerk, private_storage):
    job, _created = job_start(user=clerk, kind=K.CEREMONY_BUNDLE, target=ceremony, label="Eschwege")
    return job


def start_url(ceremony, kind="ceremony_bundle"):
    return reverse(f"grants:{kind}", args=[ceremony.pk])


def page_url(job):
    return reverse("background:job_detail", args=[job.uuid])


def download_url(job):
    return reverse("background:job_download", args=[job.uuid])


def test_pressing_start_twice_gives_one_job(client, clerk, ceremony, private_storage):
    client.force_login(clerk)

    first = client.post(start_url(ceremony))
    second = client.post(start_url(ceremony), follow=True)

    job = Job.objects.get()
    assert first.url == page_url(job)
    assert second.redirect_chain == [(page_url(job), 302)]
    assert "Dieser Auftrag läuft bereits; hier sein Fortschritt." in second.content.decode()
    assert job.status == S.QUEUED and job.user == clerk and job.object_ref == f"grants.handoverceremony:{ceremony.pk}"
    assert AuditEntry.objects.filter(action="background.job.started").count() == 1


def test_a_finished_job_does_not_block_a_new_one(bundle_job, ceremony, clerk):
    job_run(job_id=bundle_job.pk)

    again, created = job_start(user=clerk, kind=K.CEREMONY_BUNDLE, target=ceremony, label="Eschwege")

    assert created and again.pk != bundle_job.pk


def test_the_job_runs_after_commit_and_offers_the_checked_result(client, clerk, ceremony, private_storage):
    client.force_login(clerk)
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(start_url(ceremony))

    job = Job.objects.get()
    assert job.status == S.DONE and job.progress == 100 and job.step == "Fertig."
    assert job.result_name == "Uebergabemappe_2026-10-29_Eschwege.pdf"
    stored = default_storage.open(job.result_path).read()
    assert hashlib.sha256(stored).hexdigest() == job.result_sha256 and len(stored) == job.result_size
    assert job.started_at <= job.finished_at

    page = client.get(page_url(job)).content.decode()
    assert "Der Auftrag ist fertig." in page and download_url(job) in page and "data-job-active" not in page
    response = client.get(download_url(job))
    assert response.content == stored and response["Content-Type"] == "application/pdf"


def test_a_waiting_job_page_refreshes_itself_without_inline_script(client, clerk, bundle_job):
    client.force_login(clerk)

    page = client.get(page_url(bundle_job)).content.decode()

    assert "data-job-active" in page and 'value="0"' in page
    assert "Wartet auf einen freien Hintergrunddienst." in page
    assert "js/job_refresh.js" in page and "<script>" not in page
    assert client.get(download_url(bundle_job), follow=True).redirect_chain == [(page_url(bundle_job), 302)]


def test_the_bundle_reports_its_steps_in_german_with_rising_progress(ceremony):
    steps: list[tuple[int, str]] = []

    ceremony_bundle_pdf(ceremony, progress=lambda percent, step: steps.append((percent, step)))

    percents = [percent for percent, _step in steps]
    assert percents == sorted(percents) and percents[0] > 0 and percents[-1] < 100
    assert steps[0][1] == "Gespeicherte Bescheide werden geprüft (SHA-256)."
    assert steps[-1][1] == "Bescheid 1 von 1 wird angefügt: Werra-Meißner-Kreis."


def test_a_job_delivered_twice_runs_once(bundle_job):
    assert job_run(job_id=bundle_job.pk) == "done"
    first = Job.objects.get(pk=bundle_job.pk)

    assert job_run(job_id=bundle_job.pk) == "skipped"

    again = Job.objects.get(pk=bundle_job.pk)
    assert (again.result_path, again.finished_at) == (first.result_path, first.finished_at)
    assert default_storage.listdir(f"jobs/{bundle_job.uuid}")[1] == [first.result_name]


def test_a_job_whose_worker_died_runs_again_later(bundle_job, settings):
    Job.objects.filter(pk=bundle_job.pk).update(status=S.RUNNING, started_at=timezone.now())
    assert job_run(job_id=bundle_job.pk) == "skipped"  # still running somewhere

    Job.objects.filter(pk=bundle_job.pk).update(
        started_at=timezone.now() - timedelta(seconds=settings.JOB_STALE_SECONDS + 1))

    assert job_run(job_id=bundle_job.pk) == "done"


def test_a_refused_job_fails_with_the_german_reason(client, bundle_job, notice, ceremony, clerk, approver):
    notice_attach_ceremony(notice=notice, ceremony=None, user=approver)  # emptied after the start

    assert job_run(job_id=bundle_job.pk) == "failed"

    job = Job.objects.get(pk=bundle_job.pk)
    assert job.error == "Dieser Übergabe sind noch keine Bescheide zugeordnet." and job.result_path == ""
    client.force_login(clerk)
    assert job.error in client.get(page_url(job)).content.decode()


def test_an_unexpected_error_is_a_german_message_and_logged(bundle_job, monkeypatch, caplog):
    def broken(ceremony, progress):
        raise ZeroDivisionError("intern")
    monkeypatch.setattr("grants.jobs.ceremony_bundle_pdf", broken)

    assert job_run(job_id=bundle_job.pk) == "failed"

    assert Job.objects.get(pk=bundle_job.pk).error.startswith("Ein unerwarteter Fehler ist aufgetreten.")
    assert "ZeroDivisionError" in caplog.text


def test_a_changed_result_file_is_not_served(client, bundle_job, clerk):
    job_run(job_id=bundle_job.pk)
    job = Job.objects.get(pk=bundle_job.pk)
    default_storage.delete(job.result_path)
    default_storage.save(job.result_path, io.BytesIO(b"%PDF-1.7 untergeschoben"))
    client.force_login(clerk)

    response = client.get(download_url(job), follow=True)

    assert response.redirect_chain == [(page_url(job), 302)]
    assert "stimmt nicht mit ihrer Prüfsumme (SHA-256) überein" in response.content.decode()


# --- who may see a job -----------------------------------------------------------------------------

def test_coordinators_cannot_see_or_download_a_ministry_job(client, bundle_job, coordinator_a, coordinator_b):
    job_run(job_id=bundle_job.pk)
    for coordinator in (coordinator_a, coordinator_b):
        client.force_login(coordinator)
        assert client.get(page_url(bundle_job)).status_code == 404
        assert client.get(download_url(bundle_job)).status_code == 404
        assert bundle_job.object_label not in client.get(reverse("background:job_list")).content.decode()


def test_coordinator_cannot_start_a_ceremony_or_archive_job(client, coordinator_b, ceremony, programme):
    client.force_login(coordinator_b)

    assert client.post(start_url(ceremony)).status_code == 403
    assert client.post(reverse("grants:notice_archive", args=[programme.pk])).status_code == 403
    assert Job.objects.count() == 0


def test_other_ministry_staff_may_open_the_job_but_it_is_not_in_their_list(client, bundle_job, approver):
    job_run(job_id=bundle_job.pk)
    client.force_login(approver)

    assert client.get(download_url(bundle_job)).status_code == 200
    assert page_url(bundle_job) not in client.get(reverse("background:job_list")).content.decode()


def test_the_owner_lists_own_jobs_newest_first(client, clerk, bundle_job, programme):
    archive, _created = job_start(user=clerk, kind=K.NOTICE_ARCHIVE, target=programme, label="Archiv 2026")
    client.force_login(clerk)

    page = client.get(reverse("background:job_list")).content.decode()

    assert page.index(page_url(archive)) < page.index(page_url(bundle_job))
    assert "Übergabemappe" in page and "Bescheidarchiv" in page


def test_unknown_job_is_404(client, clerk):
    client.force_login(clerk)
    assert client.get(reverse("background:job_detail", args=["00000000-0000-0000-0000-000000000000"])).status_code \
        == 404


# --- the notice archive ----------------------------------------------------------------------------

def test_the_notice_archive_holds_every_issued_notice_with_checksums(client, clerk, notice, programme,
                                                                     private_storage):
    client.force_login(clerk)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("grants:notice_archive", args=[programme.pk]))
    job = Job.objects.get()

    download = client.get(download_url(job))

    assert response.url == page_url(job) and job.status == S.DONE
    assert download["Content-Disposition"] == 'attachment; filename="Bescheide_wir-2026.zip"'
    archive = zipfile.ZipFile(io.BytesIO(download.content))
    assert archive.namelist() == [f"{notice.number}.pdf", "SHA256SUMS"]
    assert archive.read(f"{notice.number}.pdf") == bytes(notice.pdf)
    assert archive.read("SHA256SUMS").decode() == f"{notice.sha256}  {notice.number}.pdf\n"


def test_an_archive_of_a_programme_without_notices_fails_with_a_reason(programme, clerk, private_storage):
    job, _created = job_start(user=clerk, kind=K.NOTICE_ARCHIVE, target=programme, label="leer")

    job_run(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == S.FAILED and job.error == "In dieser Förderperiode ist noch kein Bescheid erlassen."
