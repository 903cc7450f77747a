"""Abschluss einer Zuwendung: the closing action. The panel on the application page (what still
keeps the award open, or the button) is in grants/views/detail.py; the rule in
grants/policies/awards.py."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.roles import Capability
from grants.selectors.scoping import award_of, get_application_for_user
from grants.services.closing import award_close
from grants.views.common import AuthenticatedRequest, post_action, require


@require_POST
def award_close_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Close the award of the application; a refusal lists every reason as a message."""
    require(request.user, Capability.REVIEW)
    application = get_application_for_user(request.user, pk)
    award = award_of(application)
    if award is None:
        messages.error(request, _("Für diesen Antrag gibt es keine Zuwendung, die abgeschlossen werden könnte."))
        return redirect("grants:application_detail", pk=application.pk)
    return post_action(request, lambda: award_close(award=award, user=request.user),
                       success=_("Die Zuwendung ist abgeschlossen. Die Koordination wird benachrichtigt."),
                       next_url=reverse("grants:application_detail", args=[application.pk]))
