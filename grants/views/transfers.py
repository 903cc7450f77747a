"""Case files as xdomea messages in the browser: "E-Akte exportieren (xdomea)" on the
application page, and the period's Aussonderung to the archive with the record of what was
handed over. Both start a background job and lead to its page, where the package is downloaded
(background/views.py). Rules: grants/policies/xdomea.py; the work: grants/services/xdomea.py."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.errors import DomainError
from grants.models import FundingProgramme
from grants.policies import may_archive_transfer, may_casefile_export
from grants.selectors.scoping import get_application_for_user
from grants.selectors.transfers import archived_on, closed_awards, transfers_of
from grants.services.xdomea import archive_transfer_start, casefile_export_start
from grants.views.common import AuthenticatedRequest, forbid, paginate

TRANSFERS_PAGE_SIZE = 25


def _to_job(request: AuthenticatedRequest, job, created: bool) -> HttpResponse:
    if not created:
        messages.info(request, _("Dieser Auftrag läuft bereits; hier sein Fortschritt."))
    return redirect("background:job_detail", pk=job.uuid)


@require_POST
def casefile_export(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """One grant's whole file as xdomea Abgabe 0401 (a background job)."""
    application = get_application_for_user(request.user, pk)
    forbid(may_casefile_export(request.user, application))
    try:
        job, created = casefile_export_start(user=request.user, application=application)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("grants:application_detail", pk=application.pk)
    return _to_job(request, job, created)


@require_GET
def archive_transfers(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The period's closed grants, which of them went to the archive when, and every hand-over."""
    forbid(may_archive_transfer(request.user))
    programme = get_object_or_404(FundingProgramme, pk=pk)
    handed_over = archived_on(programme)
    awards = [{"award": award, "transfer": handed_over.get(award.application_id)}
              for award in closed_awards(programme)]
    page = paginate(request, transfers_of(programme), TRANSFERS_PAGE_SIZE)
    return render(request, "grants/archive_transfers.html", {
        "programme": programme, "awards": awards, "any_handed_over": any(row["transfer"] for row in awards),
        "page_obj": page, "transfers": page.object_list})


@require_POST
def archive_transfer(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Start the Aussonderung of every closed grant of the period (a background job)."""
    forbid(may_archive_transfer(request.user))
    programme = get_object_or_404(FundingProgramme, pk=pk)
    try:
        job, created = archive_transfer_start(user=request.user, programme=programme,
                                              again=request.POST.get("erneut") == "1")
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(reverse("grants:archive_transfers", args=[programme.pk]))
    return _to_job(request, job, created)
