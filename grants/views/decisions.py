"""Bewilligung: the list of recommended applications, approval with its budget panel, rejection.

The four-eyes rule is shown before anyone clicks (disabled buttons with the reason) and
enforced by the services whatever is posted.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.db.models import Max, Prefetch, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.roles import Capability
from core.errors import DomainError
from grants.forms.review import RejectForm
from grants.models import Application, ApplicationStatus, Recommendation
from core.money import ZERO
from grants.selectors import applications_visible_to, budget_figures, get_application_for_user
from grants.services.awards import application_approve, application_reject
from grants.services.plans import requested_grant_by_year
from grants.views.common import require, run_form_action

S = ApplicationStatus
# Rejection is possible during review as well as after the recommendation (the service decides).
REJECTABLE = (S.IN_REVIEW, S.RECOMMENDED)


def _current_recommendation(application: Application) -> Recommendation | None:
    return (application.recommendations.select_related("recommended_by").prefetch_related("years")
            .order_by("-created_at", "-pk").first())


def _decidable_application(request: HttpRequest, pk: int) -> Application:
    """Scoped lookup first (outsiders get 404), then the capability (everyone else 403)."""
    application = get_application_for_user(request.user, pk)
    require(request.user, Capability.DECIDE)
    return application


def decision_queue(request: HttpRequest) -> HttpResponse:
    """Applications recommended for approval, oldest recommendation first. Three queries."""
    require(request.user, Capability.DECIDE)
    latest_first = (Recommendation.objects.select_related("recommended_by")
                    .annotate(total=Sum("years__amount")).order_by("-created_at", "-pk"))
    applications = (
        applications_visible_to(request.user)
        .filter(status=S.RECOMMENDED)
        .annotate(recommended_at=Max("recommendations__created_at"))
        .prefetch_related(Prefetch("recommendations", queryset=latest_first, to_attr="recommendations_latest_first"))
        .order_by("recommended_at", "pk")
    )
    rows = [{"application": a, "recommendation": next(iter(a.recommendations_latest_first), None)}
            for a in applications]
    return render(request, "grants/decision_queue.html", {"rows": rows})


@dataclass(frozen=True)
class BudgetRow:
    year: int
    budget: Decimal | None
    committed: Decimal
    this_award: Decimal

    @property
    def remaining_after(self) -> Decimal | None:
        return None if self.budget is None else self.budget - self.committed - self.this_award

    @property
    def blocks(self) -> bool:
        """This year would refuse the approval: no budget at all, or it would go negative."""
        if self.this_award <= 0:
            return False
        return self.budget is None or self.remaining_after < 0


def _budget_rows(application: Application, recommendation: Recommendation) -> list[BudgetRow]:
    figures = {f.year: f for f in budget_figures(application.programme)}
    rows = []
    for line in recommendation.years.all():
        figure = figures.get(line.year)
        rows.append(BudgetRow(year=line.year, budget=figure.budget if figure else None,
                              committed=figure.committed if figure else ZERO, this_award=line.amount))
    return rows


def _decision_context(request: HttpRequest, application: Application) -> dict:
    recommendation = _current_recommendation(application) if application.status == S.RECOMMENDED else None
    four_eyes = bool(recommendation and recommendation.recommended_by_id == request.user.pk)
    return {"application": application, "recommendation": recommendation, "four_eyes": four_eyes}


def decision_approve(request: HttpRequest, pk: int) -> HttpResponse:
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
    context = _decision_context(request, application)
    recommendation = context["recommendation"]
    if recommendation is None:
        if request.method != "POST":
            messages.info(request, _("Der Antrag ist im Status „%(status)s“; bewilligt werden kann nur ein "
                                     "zur Bewilligung empfohlener Antrag.") % {"status": application.get_status_display()})
        return redirect("grants:application_detail", pk=application.pk)
    requested = requested_grant_by_year(application)
    budget_rows = _budget_rows(application, recommendation)
    lines = [{"year": line.year, "requested": requested.get(line.year, ZERO), "recommended": line.amount,
              "reduction": requested.get(line.year, ZERO) - line.amount,
              "cut": line.amount < requested.get(line.year, ZERO)} for line in recommendation.years.all()]
    context.update({
        "lines": lines,
        "requested_total": sum(requested.values(), ZERO),
        "recommended_total": sum((line.amount for line in recommendation.years.all()), ZERO),
        "budget_rows": budget_rows,
        "blocked_years": [row.year for row in budget_rows if row.blocks],
    })
    return render(request, "grants/decision_approve.html", context)


def decision_reject(request: HttpRequest, pk: int) -> HttpResponse:
    application = _decidable_application(request, pk)
    if application.status not in REJECTABLE:
        messages.info(request, _("Der Antrag ist im Status „%(status)s“ und kann nicht abgelehnt werden.")
                      % {"status": application.get_status_display()})
        return redirect("grants:application_detail", pk=application.pk)
    form = RejectForm(request.POST or None)
    done = run_form_action(
        request, form, lambda data: application_reject(application=application, user=request.user,
                                                       reason=data["reason"]),
        success=_("Der Antrag ist abgelehnt."), application=application)
    return done or render(request, "grants/decision_reject.html",
                          {**_decision_context(request, application), "form": form})


def detail_panel(request: HttpRequest, application: Application) -> dict:
    """Links to approve or reject (or the four-eyes reason) for a recommended application."""
    if not request.user.can(Capability.DECIDE) or application.status != S.RECOMMENDED:
        return {}
    context = _decision_context(request, application)
    return {"panels": ["grants/_decision_panel.html"], "decision_four_eyes": context["four_eyes"]}
