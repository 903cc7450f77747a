"""The start page: what this person has to do next."""

from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import render

from accounts.roles import Capability
from grants.models import Application, ApplicationStatus, FundingProgramme
from grants.policies.applications import programmes_open_to
from grants.selectors.budgets import budget_figures
from grants.selectors.lists import coordinator_applications, live_applications_in_open_programmes
from grants.selectors.scoping import applications_visible_to
from grants.selectors.worklist import post_award_tasks
from grants.views.common import AuthenticatedRequest

S = ApplicationStatus
START_PAGE_APPLICATIONS = 10


def dashboard(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    context: dict = {}
    if user.can(Capability.APPLY):
        # The start page shows what the body acts on first; the list page has all (paged).
        context["applications"] = list(coordinator_applications(user)[:START_PAGE_APPLICATIONS])
        context["application_count"] = applications_visible_to(user).count()
        context["can_apply_in"] = programmes_open_to(user, applications=live_applications_in_open_programmes(user))
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
    context["tasks"] = post_award_tasks(user)
    return render(request, "grants/dashboard.html", context)
