"""Responsibility for a case: take it (one button on the application page) or hand it on to a
colleague with a note. Rules: grants/policies/assignments.py; the change: grants/services/assignments.py."""

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.roles import Capability
from grants.forms.assignments import HandOnForm
from grants.models import Application
from grants.policies.assignments import may_application_hand_on
from grants.selectors.scoping import get_application_for_user
from grants.services.assignments import application_assign
from grants.views.common import AuthenticatedRequest, forbid, post_action, require, run_form_action


def _case(request: AuthenticatedRequest, pk: int) -> Application:
    """Scoped lookup first (outsiders get 404), then the capability (coordinators get 403)."""
    application = get_application_for_user(request.user, pk)
    require(request.user, Capability.REVIEW)
    return application


def _detail_url(application: Application) -> str:
    return reverse("grants:application_detail", args=[application.pk])


@require_POST
def assignment_take(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """„Übernehmen“: the signed-in person becomes responsible for the case."""
    application = _case(request, pk)
    return post_action(
        request, lambda: application_assign(application=application, assignee=request.user, by=request.user),
        success=_("Sie sind jetzt für %(case)s zuständig.") % {"case": application.file_reference},
        next_url=_detail_url(application))


def assignment_hand_on(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """„Weitergeben“: to a colleague (or back to nobody), with an optional note for the history."""
    application = _case(request, pk)
    refusal = may_application_hand_on(request.user, application)
    if request.method != "POST":
        forbid(refusal)  # a POST gets the service's refusal beside the form instead
    form = HandOnForm(request.POST or None, exclude=application.assignee)

    def success() -> str:
        assignee = form.cleaned_data["assignee"]
        if assignee is None:
            return _("Für %(case)s ist jetzt niemand zuständig; der Fall steht wieder im Arbeitsvorrat.") % {
                "case": application.file_reference}
        return _("%(case)s ist an %(name)s weitergegeben.") % {"case": application.file_reference, "name": assignee}

    done = run_form_action(
        request, form,
        lambda data: application_assign(application=application, assignee=data["assignee"], by=request.user,
                                         note=data["note"]),
        success=success, next_url=_detail_url(application))
    return done or render(request, "grants/assignment_hand_on.html", {
        "application": application, "form": form, "refusal": refusal})
