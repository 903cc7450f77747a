"""Long jobs a person starts and follows on a page: the ceremony's presentation copies and
bundle, a programme's notice archive.

`job_start` is idempotent: while a job of the same kind on the same object by the same
person waits or runs, starting it again returns that job (a database constraint backs it,
so two parallel requests cannot make two). `job_run` – the task – takes a job only from
"wartet" (or from "läuft" once it has been running longer than JOB_STALE_SECONDS: the worker
died under it and the broker delivered the task again), runs the kind's runner, stores the
result file in Django's default storage with its size and SHA-256, and records the outcome.
A refusal of the runner (DomainError) becomes the job's German error text.

The runners live with the documents they make (grants/jobs.py); JOB_RUNNERS names them.
"""

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from audit.services import audit_log
from background.models import Job
from core.errors import DomainError

logger = logging.getLogger(__name__)

S = Job.Status
K = Job.Kind

JOB_RUNNERS = {
    K.CEREMONY_PRESENTATION: "grants.jobs.ceremony_presentation",
    K.CEREMONY_BUNDLE: "grants.jobs.ceremony_bundle",
    K.NOTICE_ARCHIVE: "grants.jobs.notice_archive",
    K.XDOMEA_ABGABE: "grants.xdomea.jobs.casefile_abgabe",
    K.XDOMEA_AUSSONDERUNG: "grants.xdomea.jobs.archive_aussonderung",
}

Progress = Callable[[int, str], None]


@dataclass(frozen=True)
class JobResult:
    name: str  # the file name offered for download (ASCII)
    data: bytes
    content_type: str


def object_ref(target: models.Model) -> str:
    return f"{target._meta.label_lower}:{target.pk}"


def object_pk(job: Job) -> int:
    return int(job.object_ref.rsplit(":", 1)[1])


def job_start(*, user, kind: str, target: models.Model, label: str) -> tuple[Job, bool]:
    """Queue the job (True) – or return the same person's job of this kind on this object
    that still waits or runs (False)."""
    ref = object_ref(target)
    active = Job.objects.filter(user=user, kind=kind, object_ref=ref, status__in=Job.ACTIVE)
    with transaction.atomic():
        running = active.select_for_update().first()
        if running is not None:
            return running, False
        try:
            with transaction.atomic():
                job = Job.objects.create(user=user, kind=kind, object_ref=ref, object_label=label[:300],
                                         step=_("Wartet auf einen freien Hintergrunddienst."))
        except IntegrityError:  # the same request in parallel was a moment faster
            return active.get(), False
        audit_log(actor=user, action="background.job.started", target=job, data={"kind": kind, "object": ref})
        from background.tasks import job_run as job_run_task

        job_id = job.pk
        transaction.on_commit(lambda: job_run_task.delay(job_id), robust=True)
    return job, True


def _progress(job_id: int) -> Progress:
    def report(percent: int, step: str) -> None:
        Job.objects.filter(pk=job_id, status=S.RUNNING).update(progress=max(0, min(percent, 99)), step=step[:200])
    return report


def _claim(job_id: int) -> bool:
    now = timezone.now()
    stale = now - timedelta(seconds=settings.JOB_STALE_SECONDS)
    return bool(Job.objects.filter(Q(status=S.QUEUED) | Q(status=S.RUNNING, started_at__lt=stale), pk=job_id)
                .update(status=S.RUNNING, started_at=now, progress=0, step=_("Begonnen.")))


def _fail(job_id: int, message: str) -> None:
    Job.objects.filter(pk=job_id).update(status=S.FAILED, error=message, step=_("Fehlgeschlagen."),
                                         finished_at=timezone.now())


def job_run(*, job_id: int) -> str:
    """Run the job if it is there to be run; returns its status afterwards ("skipped" when not)."""
    if not _claim(job_id):
        return "skipped"
    job = Job.objects.get(pk=job_id)
    try:
        runner: Callable[[Job, Progress], JobResult] = import_string(JOB_RUNNERS[K(job.kind)])
        result = runner(job, _progress(job_id))
    except DomainError as error:
        _fail(job_id, error.message)
        return S.FAILED.value
    except Exception:  # noqa: BLE001 - recorded on the job; the details go to the log
        logger.exception("Auftrag %s (%s) ist fehlgeschlagen", job_id, job.kind)
        _fail(job_id, _("Ein unerwarteter Fehler ist aufgetreten. Bitte den Auftrag erneut starten; "
                        "hilft das nicht, die Administration verständigen."))
        return S.FAILED.value
    digest = hashlib.sha256(result.data).hexdigest()
    with transaction.atomic():
        path = default_storage.save(f"jobs/{job.uuid}/{result.name}", ContentFile(result.data))
        Job.objects.filter(pk=job_id).update(
            status=S.DONE, progress=100, step=_("Fertig."), result_name=result.name, result_path=path,
            result_size=len(result.data), result_sha256=digest, content_type=result.content_type,
            finished_at=timezone.now())
    return S.DONE.value


def job_result_bytes(job: Job) -> bytes:
    """The stored result, checked against its SHA-256."""
    if job.status != S.DONE:
        raise DomainError(_("Dieser Auftrag hat (noch) kein Ergebnis."))
    with default_storage.open(job.result_path, "rb") as file:
        data = file.read()
    if hashlib.sha256(data).hexdigest() != job.result_sha256:
        raise DomainError(_("Die gespeicherte Ergebnisdatei stimmt nicht mit ihrer Prüfsumme (SHA-256) überein. "
                            "Bitte den Auftrag erneut starten."))
    return data
