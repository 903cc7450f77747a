"""The runners of the background jobs about grants documents (background/jobs.py runs them):
each takes the job and a progress callback and returns the result file."""

import hashlib
import io
import re
import zipfile

from django.utils.translation import gettext as _

from background.jobs import JobResult, Progress, object_pk
from background.models import Job
from core.errors import DomainError
from grants.models import FundingProgramme, HandoverCeremony, Notice
from grants.notices.ceremony import ascii_name, ceremony_bundle_pdf, ceremony_filename, ceremony_presentation_pdf

PDF = "application/pdf"
SUMS_NAME = "SHA256SUMS"
# Notice numbers are "WIR-21-B2021-021"; anything else must not become a name in the archive.
SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def _ceremony(job: Job) -> HandoverCeremony:
    ceremony = HandoverCeremony.objects.filter(pk=object_pk(job)).first()
    if ceremony is None:
        raise DomainError(_("Die Bescheidübergabe gibt es nicht mehr."))
    return ceremony


def ceremony_presentation(job: Job, progress: Progress) -> JobResult:
    ceremony = _ceremony(job)
    return JobResult(ceremony_filename("Uebergabe", ceremony), ceremony_presentation_pdf(ceremony, progress), PDF)


def ceremony_bundle(job: Job, progress: Progress) -> JobResult:
    ceremony = _ceremony(job)
    return JobResult(ceremony_filename("Uebergabemappe", ceremony), ceremony_bundle_pdf(ceremony, progress), PDF)


def notice_archive(job: Job, progress: Progress) -> JobResult:
    """A ZIP of every issued notice of the programme as `<number>.pdf` – the bytes stored when
    it was issued, each checked against its recorded SHA-256 – and SHA256SUMS (check with
    `sha256sum -c SHA256SUMS`). One notice that fails the check fails the archive."""
    programme = FundingProgramme.objects.filter(pk=object_pk(job)).first()
    if programme is None:
        raise DomainError(_("Die Förderperiode gibt es nicht mehr."))
    notices = Notice.objects.filter(application__programme=programme).order_by("number")
    total = notices.count()
    if not total:
        raise DomainError(_("In dieser Förderperiode ist noch kein Bescheid erlassen."))
    output, sums = io.BytesIO(), []
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_STORED) as archive:
        rows = notices.values_list("number", "sha256", "pdf").iterator(chunk_size=20)
        for index, (number, sha256, pdf) in enumerate(rows):
            pdf = bytes(pdf or b"")
            if not SAFE_NAME.match(number):
                raise DomainError(_("Die Bescheidnummer „%(number)s“ ist kein zulässiger Dateiname.")
                                  % {"number": number})
            if not pdf or hashlib.sha256(pdf).hexdigest() != sha256:
                raise DomainError(_("Das gespeicherte PDF des Bescheids %(number)s fehlt oder stimmt nicht mit "
                                    "seiner beim Erlass festgehaltenen Prüfsumme (SHA-256) überein. Bitte die "
                                    "Administration verständigen.") % {"number": number})
            # A fixed time stamp: the same notices give the same archive, byte for byte.
            archive.writestr(zipfile.ZipInfo(f"{number}.pdf", date_time=(1980, 1, 1, 0, 0, 0)), pdf)
            sums.append(f"{sha256}  {number}.pdf\n")
            progress(5 + 90 * (index + 1) // total,
                     _("Bescheid %(index)s von %(count)s geprüft und eingepackt.") % {"index": index + 1,
                                                                                     "count": total})
        archive.writestr(zipfile.ZipInfo(SUMS_NAME, date_time=(1980, 1, 1, 0, 0, 0)), "".join(sums))
    return JobResult(f"Bescheide_{ascii_name(programme.code, 'Programm')}.zip", output.getvalue(), "application/zip")
