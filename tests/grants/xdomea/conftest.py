"""A closed grant with everything a case file can hold – an uploaded attachment, the award
notice, a paid payment, proofs of use with a Sachbericht – and a second, running grant of the
same period; plus helpers that run the xdomea jobs and read their packages."""

import io
import zipfile
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from lxml import etree

from background.jobs import job_result_bytes, job_run
from background.models import Job
from core import clock
from grants.models import Disbursement, UsageReport
from grants.services.applications import application_submit, attachment_add
from grants.services.awards import application_approve
from grants.services.closing import award_close
from grants.services.notices import notice_issue
from grants.services.reviews import application_recommend, application_start_review
from grants.services.usage_reports import usage_report_attach_narrative
from grants.xdomea.schema import NAMESPACE
from tests import factories

BERLIN = ZoneInfo("Europe/Berlin")
NS = {"x": NAMESPACE}
# A second real PDF (the attachment), different in its bytes from the Sachbericht's.
ATTACHMENT_PDF = factories.PDF.replace(b"/Producer (pypdf)", b"/Producer (anlage)")


@pytest.fixture(autouse=True)
def frozen_clock():
    with clock.frozen_at(datetime(2026, 9, 1, 10, tzinfo=BERLIN)):
        yield


@pytest.fixture
def past_programme(db):
    return factories.make_programme(code="wir-2021", start=2021, end=2025)


@pytest.fixture
def closed_award(past_programme, coordinator_a, clerk, approver, private_storage):
    application = factories.draft_application(past_programme, coordinator_a)
    attachment_add(application=application, user=coordinator_a, name="Stellenplan 2021.pdf",
                   content=ATTACHMENT_PDF, description="Stellenplan")
    application_submit(application=application, user=coordinator_a)
    application_start_review(application=application, user=clerk)
    application_recommend(application=application, user=clerk,
                          amounts={year: Decimal("100000.00") for year in application.years})
    application.refresh_from_db()
    factories.record_early_start(application, approver)
    award = application_approve(application=application, user=approver)
    notice_issue(application=application, kind="zuwendung", user=approver, issued_on=None)
    year = award.years.get(budget__year=2021)
    Disbursement.objects.create(award_year=year, amount=Decimal("50000.00"), status=Disbursement.Status.PAID,
                                requested_by=coordinator_a, prepared_by=clerk, released_by=approver,
                                released_at=datetime(2021, 5, 12, tzinfo=BERLIN), paid_on=date(2021, 5, 14),
                                payment_reference="HKR-2021-0815", booked_by=clerk)
    for kind, report_year in [(UsageReport.Kind.INTERIM, y) for y in (2021, 2022, 2023, 2024)] + [
            (UsageReport.Kind.FINAL, None)]:
        report = UsageReport.objects.create(award=award, kind=kind, year=report_year)
        if kind == UsageReport.Kind.FINAL:
            usage_report_attach_narrative(report=report, user=coordinator_a, name="Sachbericht.pdf",
                                          content=factories.PDF)
        UsageReport.objects.filter(pk=report.pk).update(status=UsageReport.Status.ACCEPTED)
    award_close(award=award, user=clerk)
    award.refresh_from_db()
    return award


@pytest.fixture
def running_award(past_programme, coordinator_b, clerk, approver, private_storage):
    return factories.approved_award(past_programme, coordinator_b, clerk, approver)


def run_job(kind: str) -> tuple[Job, bytes]:
    job = Job.objects.filter(kind=kind).latest("created_at")
    job_run(job_id=job.pk)
    job.refresh_from_db()
    return job, job_result_bytes(job) if job.status == Job.Status.DONE else b""


def unpack(data: bytes) -> tuple[dict[str, bytes], etree._Element]:
    """The package's files by name and the parsed message."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    xml = [name for name in files if name.endswith(".xml")]
    assert len(xml) == 1
    return files, etree.fromstring(files[xml[0]])


def documents(message: etree._Element) -> list[etree._Element]:
    return message.findall(".//x:Dokument", NS)


def document_fields(document: etree._Element) -> dict[str, str]:
    """The Dokument's file name and the SHA-256, size and MIME type it states for its file."""
    fields = {field.findtext("x:Name", namespaces=NS): field.findtext("x:Wert", namespaces=NS)
              for field in document.findall("x:AnwendungsspezifischeErweiterung/x:Feld", NS)}
    fields["Dateiname"] = document.findtext("x:Version/x:Format/x:Primaerdokument/x:Dateiname", namespaces=NS)
    return fields
