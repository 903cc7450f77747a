"""Handing case files over as xdomea messages (the messages themselves: grants/xdomea/).

Both hand-overs run as background jobs – assembling a file renders several PDF/A documents
(about six seconds for a demo grant with its payments, proofs and a reclaim) – and end in a
downloadable package on the job's page:

- `casefile_export_start`: one grant's whole file as `Abgabe.Abgabe.0401` for the e-file system;
- `archive_transfer_start`: every closed grant of a programme period as one
  `Aussonderung.Aussonderung.0503` for the state archive. Refused (in German) when nothing is
  closed, and – unless `again` is confirmed – when a grant was handed over to the archive before.

The job's runner (grants/xdomea/jobs.py) builds and validates the package and then calls
`transfer_record`: the record of what was handed over, with its audit entry.
"""

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from audit.services import audit_log
from background.jobs import job_start
from background.models import Job
from core.errors import DomainError, InvalidTransition
from grants.models import Application, CaseFileTransfer, FundingProgramme
from grants.policies import check, may_archive_transfer, may_casefile_export
from grants.selectors.transfers import archived_on, closed_awards
from grants.xdomea.message import Package


def casefile_export_start(*, user, application: Application) -> tuple[Job, bool]:
    check(may_casefile_export(user, application))
    return job_start(user=user, kind=Job.Kind.XDOMEA_ABGABE, target=application,
                     label=_("E-Akte %(ref)s (xdomea)") % {"ref": application.file_reference})


def archive_refusal(programme: FundingProgramme, *, again: bool) -> str | None:
    """Why the period's closed grants cannot go to the archive now (None: they can)."""
    awards = list(closed_awards(programme))
    if not awards:
        return _("In der Förderperiode %(programme)s ist keine Zuwendung abgeschlossen; es gibt nichts an das "
                 "Archiv zu übergeben.") % {"programme": programme}
    handed_over = archived_on(programme)
    before = [a.application.file_reference or "" for a in awards if a.application_id in handed_over]
    if before and not again:
        return ngettext(
            "Die Akte %(refs)s wurde bereits an das Archiv übergeben. Soll sie erneut übergeben werden, bitte "
            "„Erneut übergeben“ ausdrücklich bestätigen.",
            "Die Akten %(refs)s wurden bereits an das Archiv übergeben. Sollen sie erneut übergeben werden, bitte "
            "„Erneut übergeben“ ausdrücklich bestätigen.", len(before)) % {"refs": ", ".join(before)}
    return None


def archive_transfer_start(*, user, programme: FundingProgramme, again: bool = False) -> tuple[Job, bool]:
    check(may_archive_transfer(user))
    if refusal := archive_refusal(programme, again=again):
        raise InvalidTransition(refusal)
    return job_start(user=user, kind=Job.Kind.XDOMEA_AUSSONDERUNG, target=programme,
                     label=_("Aussonderung der abgeschlossenen Zuwendungen %(programme)s (xdomea)")
                     % {"programme": programme})


def transfer_record(*, user, package: Package, programme: FundingProgramme, applications: list[Application],
                    recipient: str, document_count: int, digest: str, job: Job | None = None) -> CaseFileTransfer:
    """Record the validated package as handed over (append-only), with its audit entry."""
    if not applications:
        raise DomainError(_("Eine Übergabe ohne Akten wird nicht festgehalten."))
    with transaction.atomic():
        earlier = CaseFileTransfer.objects.filter(message_type=package.message_type,
                                                  applications__in=applications).exists()
        transfer = CaseFileTransfer.objects.create(
            process_id=package.process_id, message_type=package.message_type, programme=programme,
            file_references=[a.file_reference for a in applications], recipient=recipient[:200], again=earlier,
            package_name=package.name, package_sha256=digest, package_size=len(package.data),
            document_count=document_count, job_uuid=job.uuid if job else None, created_by=user)
        transfer.applications.set(applications)
        action = ("grants.casefile.exported" if package.message_type == CaseFileTransfer.MessageType.ABGABE
                  else "grants.casefile.archived")
        data = {"process_id": str(package.process_id), "message_type": package.message_type, "recipient": recipient,
                "sha256": digest, "size": len(package.data), "documents": document_count, "again": earlier}
        audit_log(actor=user, action=action, target=transfer,
                  data={**data, "file_references": transfer.file_references})
        for application in applications:  # on each file's own history as well
            audit_log(actor=user, action=action, target=application, data=data)
    return transfer
