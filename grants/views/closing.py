"""Abschluss einer Zuwendung: the panel on the application's detail page and the closing action.

Ministry staff who review see what still keeps the award open, or a confirm button; everyone
who sees the application sees when and by whom a closed award was closed. The rules live in
grants/services/closing.py.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.roles import Capability
from core.errors import DomainError
from grants.models import Application, ApplicationStatus, Award
from grants.selectors import get_application_for_user
from grants.services.closing import award_close, award_closing_blockers
from grants.views.common import require


def _award_of(application: Application) -> Award | None:
    if application.status != ApplicationStatus.APPROVED:
        return None
    return (Award.objects.filter(application=application)
            .select_related("application__programme", "closed_by").first())


def detail_panel(request: HttpRequest, application: Application) -> dict:
    """Closed: "Abgeschlossen am … von …" for everyone who sees the application. Running: for
    ministry staff with the review capability the blockers, or the form to close."""
    award = _award_of(application)
    if award is None:
        return {}
    user = request.user
    if award.status == Award.Status.CLOSED:
        return {"panels": ["grants/_closing_panel.html"], "closing_award": award}
    if not user.can(Capability.REVIEW):
        return {}
    return {"panels": ["grants/_closing_panel.html"], "closing_award": award,
            "closing_blockers": award_closing_blockers(award)}


@require_POST
def award_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Close the award of the application; a refusal lists every reason as a message."""
    require(request.user, Capability.REVIEW)
    application = get_application_for_user(request.user, pk)
    award = _award_of(application)
    if award is None:
        messages.error(request, _("Für diesen Antrag gibt es keine Zuwendung, die abgeschlossen werden könnte."))
        return redirect("grants:application_detail", pk=application.pk)
    try:
        award_close(award=award, user=request.user)
    except DomainError as error:  # AwardNotClosable names every reason; the panel lists them again
        messages.error(request, error.message)
    else:
        messages.success(request, _("Die Zuwendung ist abgeschlossen. Die Koordination wird benachrichtigt."))
    return redirect("grants:application_detail", pk=application.pk)
