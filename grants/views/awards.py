"""The Finanzierungsart of a grant: Bewilligung may change it (and the share of an
Anteilfinanzierung) until the Zuwendungsbescheid is issued. The rule is
grants/policies/awards.py (may_award_financing_change), the write grants/services/awards.py."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.roles import Capability
from grants.forms.awards import AwardFinancingForm
from grants.policies import may_award_financing_change
from grants.selectors.scoping import award_of, get_application_for_user
from grants.services.awards import award_financing_set
from grants.views.common import AuthenticatedRequest, require, run_form_action


def award_financing_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    require(request.user, Capability.DECIDE)
    application = get_application_for_user(request.user, pk)
    award = award_of(application)
    detail_url = reverse("grants:application_detail", args=[application.pk])
    if award is None:
        messages.error(request, _("Für diesen Antrag gibt es keine Zuwendung."))
        return redirect(detail_url)
    refusal = may_award_financing_change(request.user, award)
    if refusal is not None:
        messages.error(request, refusal.reason)
        return redirect(detail_url)
    form = AwardFinancingForm(request.POST or None, initial={
        "financing_type": award.financing_type, "financing_share": award.financing_share})
    done = run_form_action(
        request, form,
        lambda data: award_financing_set(award=award, user=request.user, financing_type=data["financing_type"],
                                         financing_share=data["financing_share"]),
        success=lambda: _("Die Finanzierungsart ist gespeichert; der Zuwendungsbescheid wird sie ausweisen."),
        next_url=detail_url, refused_url=detail_url)
    return done or render(request, "grants/award_financing.html", {
        "form": form, "application": application, "award": award})
