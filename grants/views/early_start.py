"""Recording the consent to an early project start on an application (ministry staff with
signing authority). A Zuwendungsbescheid dated after the start of its period needs it."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.roles import Capability
from grants.forms.early_start import EarlyStartConsentForm
from grants.policies import may_early_start_record
from grants.selectors.scoping import get_application_for_user
from grants.services.early_start import early_start_consent_record
from grants.views.common import AuthenticatedRequest, require, run_form_action


def early_start_record(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    application = get_application_for_user(request.user, pk)
    require(request.user, Capability.DECIDE)
    detail_url = reverse("grants:application_detail", args=[application.pk])
    refusal = may_early_start_record(request.user, application)
    if refusal is not None:
        messages.info(request, refusal.reason)
        return redirect(detail_url)
    form = EarlyStartConsentForm(request.POST or None, initial={"allowed_from": application.period_start})
    done = run_form_action(
        request, form, lambda data: early_start_consent_record(application=application, user=request.user, **data),
        success=_("Die Zustimmung zum vorzeitigen Maßnahmebeginn ist erfasst."), next_url=detail_url)
    return done or render(request, "grants/early_start_form.html", {"application": application, "form": form})
