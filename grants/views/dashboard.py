"""The start page: what this person has to do next, as a to-do list (grants/selectors/todo.py),
then the own body's applications or the programme's figures."""

from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from accounts.roles import Capability
from grants.models import Application, ApplicationStatus, FundingProgramme
from grants.policies.applications import programmes_open_to
from grants.selectors.budgets import budget_figures
from grants.selectors.lists import coordinator_applications, live_applications_in_open_programmes
from grants.selectors.scoping import applications_visible_to
from grants.selectors.todo import review_backlog, todo_count, todo_for, todo_kinds
from grants.views.common import AuthenticatedRequest

S = ApplicationStatus
START_PAGE_APPLICATIONS = 10


def dashboard(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    only = request.GET.get("alle")
    if only is not None:  # every item of one kind of work
        if only not in todo_kinds(user):
            raise Http404(_("Diese Aufgabenliste gibt es nicht."))
        groups = todo_for(user, limit=None, only=only)
        return render(request, "grants/todo_all.html", {"group": groups[0] if groups else None})
    todo = todo_for(user)
    context: dict = {"todo": todo, "todo_count": todo_count(todo),
                     "todo_overdue": sum(group.overdue for group in todo), "backlog": review_backlog(user)}
    if user.can(Capability.APPLY):
        # The start page shows what the body acts on first; the list page has all (paged).
        context["applications"] = list(coordinator_applications(user)[:START_PAGE_APPLICATIONS])
        context["application_count"] = applications_visible_to(user).count()
        context["can_apply_in"] = programmes_open_to(user, applications=live_applications_in_open_programmes(user))
    if user.can(Capability.VIEW_ALL):
        # COUNT(*), not COUNT(id): PostgreSQL reads the status index alone.
        counts = dict(Application.objects.values_list("status").annotate(n=Count("*")).order_by())
        context["status_counts"] = [
            {"status": status, "label": label, "count": counts.get(status, 0)}
            for status, label in S.choices if status != S.DRAFT
        ]
        programme = FundingProgramme.objects.order_by("-period_start").first()
        context["programme"] = programme
        context["figures"] = budget_figures(programme) if programme else []
    return render(request, "grants/dashboard.html", context)
