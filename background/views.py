"""A person's background jobs: the list, one job's progress page, and its result."""

import uuid

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from audit.services import audit_log
from background.jobs import job_result_bytes
from background.models import Job
from background.selectors import get_job_for_user, own_jobs
from core.errors import DomainError
from grants.views.common import AuthenticatedRequest, file_response

# Results whose every download is written to the audit trail: a whole case file leaving the
# application (xdomea packages for the e-file system and the archive, grants/xdomea/).
AUDITED_DOWNLOADS = (Job.Kind.XDOMEA_ABGABE, Job.Kind.XDOMEA_AUSSONDERUNG)


@require_GET
def job_list(request: AuthenticatedRequest) -> HttpResponse:
    page = Paginator(own_jobs(request.user), 25).get_page(request.GET.get("page"))
    return render(request, "background/job_list.html", {"page_obj": page, "jobs": page.object_list})


@require_GET
def job_detail(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    job = get_job_for_user(request.user, pk)
    response = render(request, "background/job_detail.html", {"job": job})
    patch_cache_control(response, private=True, no_store=True)
    return response


@require_GET
def job_download(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    job = get_job_for_user(request.user, pk)
    try:
        data = job_result_bytes(job)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("background:job_detail", pk=job.uuid)
    if job.kind in AUDITED_DOWNLOADS:
        audit_log(actor=request.user, action="background.job.downloaded", target=job,
                  data={"kind": job.kind, "name": job.result_name, "sha256": job.result_sha256})
    response = file_response(data, job.result_name, job.content_type)
    response["ETag"] = f'"{job.result_sha256}"'
    return response
