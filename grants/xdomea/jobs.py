"""The background runners of the xdomea hand-overs (background/jobs.py runs them; the services
that start them are in grants/services/xdomea.py).

Each runner asks the policy again (the person may have lost the role since starting), assembles
the case files, builds the package – which validates the message against the xdomea XSD and
refuses an invalid one – records the hand-over and returns the ZIP as the job's result.
"""

import hashlib

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from background.jobs import JobResult, Progress, object_pk
from background.models import Job
from core.errors import DomainError, InvalidTransition
from grants.models import Application, FundingProgramme
from grants.policies import check, may_archive_transfer, may_casefile_export
from grants.selectors.transfers import closed_awards
from grants.services.xdomea import archive_refusal, transfer_record
from grants.xdomea.casefile import CaseFile, case_file
from grants.xdomea.message import ABGABE, AUSSONDERUNG, Party, build_package

ZIP = "application/zip"


def _sender(programme: FundingProgramme) -> Party:
    authority = programme.issuing_authority
    return Party(authority.name, authority.unit)


def casefile_abgabe(job: Job, progress: Progress) -> JobResult:
    """One grant's whole file as `Abgabe.Abgabe.0401` for the e-file system."""
    application = (Application.objects.select_related("programme__issuing_authority")
                   .filter(pk=object_pk(job)).first())
    if application is None:
        raise DomainError(_("Den Antrag gibt es nicht mehr."))
    check(may_casefile_export(job.user, application))
    today = timezone.localdate()
    case = case_file(application, today=today, progress=lambda step: progress(
        10, _("Vorgang „%(step)s“ wird zusammengestellt.") % {"step": step}))
    progress(90, _("Nachricht wird erzeugt und gegen das xdomea-Schema geprüft."))
    recipient = settings.XDOMEA_EFILE_RECIPIENT
    package = build_package(message_type=ABGABE, sender=_sender(application.programme), recipient=Party(recipient),
                            cases=[case], created_at=timezone.now(),
                            note=_("Abgabe der Zuwendungsakte %(ref)s") % {"ref": case.file_reference})
    transfer_record(user=job.user, package=package, programme=application.programme, applications=[application],
                    recipient=recipient, document_count=len(case.documents),
                    digest=hashlib.sha256(package.data).hexdigest(), job=job)
    return JobResult(package.name, package.data, ZIP)


def archive_aussonderung(job: Job, progress: Progress) -> JobResult:
    """Every closed grant of the period as Akten of one `Aussonderung.Aussonderung.0503`."""
    programme = FundingProgramme.objects.select_related("issuing_authority").filter(pk=object_pk(job)).first()
    if programme is None:
        raise DomainError(_("Die Förderperiode gibt es nicht mehr."))
    check(may_archive_transfer(job.user))
    if refusal := archive_refusal(programme, again=True):  # "again" was confirmed when the job was started
        raise InvalidTransition(refusal)
    awards = list(closed_awards(programme))
    today = timezone.localdate()
    cases: list[CaseFile] = []
    for index, award in enumerate(awards):
        def step_of(step: str, i: int = index, ref: str = award.application.file_reference or "") -> None:
            progress(5 + 85 * i // len(awards), _("Akte %(ref)s (%(index)s von %(count)s): %(step)s")
                     % {"ref": ref, "index": i + 1, "count": len(awards), "step": step})
        cases.append(case_file(award.application, today=today, progress=step_of))
    progress(92, _("Nachricht wird erzeugt und gegen das xdomea-Schema geprüft."))
    recipient = settings.XDOMEA_ARCHIVE_RECIPIENT
    package = build_package(message_type=AUSSONDERUNG, sender=_sender(programme), recipient=Party(recipient),
                            cases=cases, created_at=timezone.now(),
                            note=_("Aussonderung der abgeschlossenen Zuwendungsakten der Förderperiode "
                                   "%(programme)s") % {"programme": programme})
    transfer_record(user=job.user, package=package, programme=programme,
                    applications=[award.application for award in awards], recipient=recipient,
                    document_count=sum(len(case.documents) for case in cases),
                    digest=hashlib.sha256(package.data).hexdigest(), job=job)
    return JobResult(package.name, package.data, ZIP)
