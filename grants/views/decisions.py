"""Bewilligung: the list of recommended applications, approval with its budget panel, rejection.

The four-eyes rule is shown before anyone clicks (disabled buttons with the reason) and
enforced by the services whatever is posted; both ask grants/policies/applications.py.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.db.models import Max, Prefetch, Sum
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.roles import Capability
from core.errors import DomainError
from core.money import ZERO
from grants.forms.review import RejectForm
from grants.models import Application, ApplicationStatus, Recommendation
from grants.policies import Refusal, may_application_approve, may_application_reject
from grants.selectors.budgets import Headroom, budget_headroom
from grants.selectors.confirmation import approve_confirmation, reject_confirmation
from grants.selectors.lists import without_long_texts
from grants.selectors.scoping import applications_visible_to, get_application_for_user
from grants.services.awards import application_approve, application_reject
from grants.services.plans import requested_grant_by_year
from grants.views.common import AuthenticatedRequest, paginate, require, run_form_action

S = ApplicationStatus
PAGE_SIZE = 25


def _current_recommendation(application: Application) -> Recommendation | None:
    return (application.recommendations.select_related("recommended_by").prefetch_related("years")
            .order_by("-created_at", "-pk").first())


def _decidable_application(request: AuthenticatedRequest, pk: int) -> Application:
    """Scoped lookup first (outsiders get 404), then the capability (everyone else 403)."""
    application = get_application_for_user(request.user, pk)
    require(request.user, Capability.DECIDE)
    return application


def decision_queue(request: AuthenticatedRequest) -> HttpResponse:
    """Applications recommended for approval, oldest recommendation first, 25 a page: four
    queries (count, the page's applications with their bodies, their recommendations)."""
    require(request.user, Capability.DECIDE)
    latest_first = (Recommendation.objects.select_related("recommended_by")
                    .annotate(total=Sum("years__amount")).order_by("-created_at", "-pk"))
    applications = (
        without_long_texts(applications_visible_to(request.user))
        .filter(status=S.RECOMMENDED)
        .annotate(recommended_at=Max("recommendations__created_at"))
        .select_related("municipality")
        .prefetch_related(Prefetch("recommendations", queryset=latest_first, to_attr="recommendations_latest_first"))
        .order_by("recommended_at", "pk")
    )
    page = paginate(request, applications, PAGE_SIZE)
    rows = [{"application": a, "recommendation": next(iter(a.recommendations_latest_first), None)}
            for a in page.object_list]
    return render(request, "grants/decision_queue.html", {"rows": rows, "page": page})


@dataclass(frozen=True)
class BudgetRow:
    """One budget year as the approval would change it."""

    headroom: Headroom
    this_award: Decimal

    @property
    def year(self) -> int:
        return self.headroom.year

    @property
    def budget(self) -> Decimal | None:
        return self.headroom.amount

    @property
    def committed(self) -> Decimal:
        return self.headroom.committed_by_others

    @property
    def remaining_after(self) -> Decimal | None:
        free = self.headroom.free
        return None if free is None else free - self.this_award

    @property
    def blocks(self) -> bool:
        """This year would refuse the approval: no budget at all, or it would go negative."""
        if self.this_award <= 0:
            return False
        remaining = self.remaining_after  # None exactly when there is no budget
        return remaining is None or remaining < 0


def _four_eyes(refusal: Refusal | None) -> Refusal | None:
    """The refusal a page shows beside disabled buttons (four eyes); others are messages."""
    return refusal if refusal is not None and refusal.shown else None


def decision_approve(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """GET shows the recommendation and the budget panel; POST approves."""
    application = _decidable_application(request, pk)
    if request.method == "POST":
        try:
            application_approve(application=application, user=request.user)
        except DomainError as error:
            messages.error(request, error.message)
            application.refresh_from_db()
        else:
            messages.success(request, _("Der Antrag ist bewilligt."))
            return redirect("grants:application_detail", pk=application.pk)
    recommendation = _current_recommendation(application) if application.status == S.RECOMMENDED else None
    if recommendation is None:
        if request.method != "POST":
            messages.info(request, _("Der Antrag ist im Status „%(status)s“; bewilligt werden kann nur ein "
                                     "zur Bewilligung empfohlener Antrag.")
                          % {"status": application.get_status_display()})
        return redirect("grants:application_detail", pk=application.pk)
    requested = requested_grant_by_year(application)
    recommended = list(recommendation.years.all())
    headroom = budget_headroom(application.programme, [line.year for line in recommended])
    budget_rows = [BudgetRow(headroom[line.year], line.amount) for line in recommended]
    lines = [{"year": line.year, "requested": requested.get(line.year, ZERO), "recommended": line.amount,
              "reduction": requested.get(line.year, ZERO) - line.amount,
              "cut": line.amount < requested.get(line.year, ZERO)} for line in recommended]
    return render(request, "grants/decision_approve.html", {
        "application": application, "recommendation": recommendation,
        "four_eyes": _four_eyes(may_application_approve(request.user, application, recommendation=recommendation)),
        "lines": lines,
        "requested_total": sum(requested.values(), ZERO),
        "recommended_total": sum((line.amount for line in recommended), ZERO),
        "budget_rows": budget_rows,
        "blocked_years": [row.year for row in budget_rows if row.blocks],
        "confirmation": approve_confirmation(application, [(line.year, line.amount) for line in recommended]),
    })


def decision_reject(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    application = _decidable_application(request, pk)
    refusal = may_application_reject(request.user, application)
    if refusal is not None and not refusal.shown:
        messages.info(request, _("Der Antrag ist im Status „%(status)s“ und kann nicht abgelehnt werden.")
                      % {"status": application.get_status_display()})
        return redirect("grants:application_detail", pk=application.pk)
    form = RejectForm(request.POST or None)
    done = run_form_action(
        request, form, lambda data: application_reject(application=application, user=request.user,
                                                       reason=data["reason"], discretion=data["discretion"]),
        success=_("Der Antrag ist abgelehnt."), next_url=reverse("grants:application_detail", args=[application.pk]))
    recommendation = _current_recommendation(application) if application.status == S.RECOMMENDED else None
    return done or render(request, "grants/decision_reject.html", {
        "application": application, "recommendation": recommendation, "four_eyes": _four_eyes(refusal),
        "form": form, "confirmation": reject_confirmation(application)})
