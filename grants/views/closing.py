"""Abschluss einer Zuwendung: the closing action with its confirmation. The panel on the
application page (what still keeps the award open, or the button that leads here) is in
grants/views/detail.py; the rule in grants/policies/awards.py."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.roles import Capability
from grants.policies import may_award_close
from grants.selectors.confirmation import award_close_confirmation
from grants.selectors.scoping import award_of, get_application_for_user
from grants.services.closing import award_close
from grants.views.common import AuthenticatedRequest, confirm_page, post_action, require


@require_http_methods(["GET", "POST"])
def award_close_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """GET: the confirmation with the award's summary; POST from it: close the award. A refusal
    lists every reason (as a message after a POST, on the page on a GET)."""
    require(request.user, Capability.REVIEW)
    application = get_application_for_user(request.user, pk)
    award = award_of(application)
    if award is None:
        messages.error(request, _("Für diesen Antrag gibt es keine Zuwendung, die abgeschlossen werden könnte."))
        return redirect("grants:application_detail", pk=application.pk)
    detail_url = reverse("grants:application_detail", args=[application.pk])
    if request.method == "POST":
        return post_action(request, lambda: award_close(award=award, user=request.user),
                           success=_("Die Zuwendung ist abgeschlossen. Die Koordination wird benachrichtigt."),
                           next_url=detail_url)
    return confirm_page(request, award_close_confirmation(award), refusal=may_award_close(request.user, award),
                        confirm_label=_("Zuwendung verbindlich abschließen"), back_url=detail_url,
                        back_label=application.file_reference or _("Antrag"), application=application)
