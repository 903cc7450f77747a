"""The start page: what this person has to do next."""

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.roles import Capability
from grants.models import Application, ApplicationStatus, FundingProgramme
from grants.models.applications import CLOSED_STATUSES
from grants.selectors import applications_visible_to, budget_figures
from grants.views.applications import open_programmes

S = ApplicationStatus


def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    context: dict = {}
    if user.can(Capability.APPLY):
        applications = list(applications_visible_to(user).select_related("award").order_by("-programme__period_start"))
        live_programmes = {a.programme_id for a in applications if a.status not in CLOSED_STATUSES}
        context["applications"] = applications
        context["can_apply_in"] = [p for p in open_programmes() if p.pk not in live_programmes]
    if user.can(Capability.VIEW_ALL):
        counts = dict(Application.objects.values_list("status").annotate(Count("pk")))
        context["status_counts"] = [
            {"status": status, "label": label, "count": counts.get(status, 0)}
            for status, label in S.choices if status != S.DRAFT
        ]
        programme = FundingProgramme.objects.order_by("-period_start").first()
        context["programme"] = programme
        context["figures"] = budget_figures(programme) if programme else []
    context["can_review"] = user.can(Capability.REVIEW)
    context["can_decide"] = user.can(Capability.DECIDE)
    if context["can_decide"]:
        context["recommended_count"] = Application.objects.filter(status=S.RECOMMENDED).count()
    if context["can_review"]:
        context["submitted_count"] = Application.objects.filter(status=S.SUBMITTED).count()
    return render(request, "grants/dashboard.html", context)
