"""Sachbearbeitung: the work queue, and the review actions on one application.

Every action: capability check, scoped lookup, form, one service call; a refusal from the
service is shown beside the field or as a message, never as a server error.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.roles import Capability
from core.errors import DomainError
from grants.forms.review import CommentForm, RecommendForm, RequestChangesForm, ReviewQueueFilterForm
from grants.models import Application, ApplicationStatus
from grants.plan.lines import FinancingSource
from core.money import ZERO
from grants.selectors import applications_visible_to, get_application_for_user
from grants.services.guards import require_status
from grants.services.plans import requested_grant_by_year
from grants.services.reviews import (
    application_recommend,
    application_request_changes,
    application_start_review,
    comment_add,
)
from grants.views.common import require, run_form_action

S = ApplicationStatus
PAGE_SIZE = 25


def _never_submitted(application: Application) -> bool:
    """Drafts (also withdrawn ones) belong to the coordinator alone; the ministry never sees them."""
    return application.status == S.DRAFT or application.submitted_at is None


def _reviewable_application(request: HttpRequest, pk: int) -> Application:
    """Scoped lookup first (outsiders get 404), then the capability (coordinators get 403)."""
    application = get_application_for_user(request.user, pk)
    require(request.user, Capability.REVIEW)
    if _never_submitted(application):
        raise Http404(_("Antrag nicht gefunden."))
    return application


def review_queue(request: HttpRequest) -> HttpResponse:
    """All submitted applications, filtered, searched, sorted and paginated."""
    require(request.user, Capability.REVIEW)
    form = ReviewQueueFilterForm(request.GET or None)
    applications = (
        applications_visible_to(request.user)
        .exclude(status=S.DRAFT)
        .exclude(submitted_at__isnull=True)
        .annotate(requested_total=Coalesce(
            Sum("financings__amount", filter=Q(financings__source=FinancingSource.GRANT)),
            Value(ZERO), output_field=DecimalField(max_digits=14, decimal_places=2)))
    )
    page = Paginator(form.filter(applications), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "grants/review_queue.html", {
        "form": form, "page": page, "applications": page.object_list, "sort_columns": form.sort_columns(),
        "filtered": form.is_bound and any(form.data.get(name) for name in form.fields if name != "sort"),
    })


def detail_panel(request: HttpRequest, application: Application) -> dict:
    """The review actions on the shared detail page, for people who may review."""
    if not request.user.can(Capability.REVIEW) or _never_submitted(application):
        return {}
    recommendation = None
    if application.status == S.RECOMMENDED:
        recommendation = (application.recommendations.select_related("recommended_by")
                          .prefetch_related("years").order_by("-created_at", "-pk").first())
    return {
        "panels": ["grants/_review_panel.html"],
        "comment_form": CommentForm(),
        "current_recommendation": recommendation,
    }


@require_POST
def review_start(request: HttpRequest, pk: int) -> HttpResponse:
    application = _reviewable_application(request, pk)
    try:
        application_start_review(application=application, user=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Die Prüfung ist begonnen. Der Antrag ist jetzt „In Prüfung“."))
    return redirect("grants:application_detail", pk=application.pk)


def _refuse_unless_in_review(request: HttpRequest, application: Application, action: str) -> HttpResponse | None:
    """On GET: an action page that cannot succeed in this status sends the person back."""
    try:
        require_status(application, (S.IN_REVIEW,), action)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("grants:application_detail", pk=application.pk)
    return None


def review_request_changes(request: HttpRequest, pk: int) -> HttpResponse:
    application = _reviewable_application(request, pk)
    if request.method != "POST" and (refusal := _refuse_unless_in_review(request, application, _("Eine Nachforderung"))):
        return refusal
    form = RequestChangesForm(request.POST or None)
    done = run_form_action(
        request, form, lambda data: application_request_changes(application=application, user=request.user,
                                                                message=data["message"]),
        success=_("Die Nachforderung ist an die Koordination gesendet."), application=application)
    return done or render(request, "grants/review_request_changes.html", {"application": application, "form": form})


def review_recommend(request: HttpRequest, pk: int) -> HttpResponse:
    application = _reviewable_application(request, pk)
    if request.method != "POST" and (refusal := _refuse_unless_in_review(request, application, _("Die Empfehlung"))):
        return refusal
    requested = requested_grant_by_year(application)
    form = RecommendForm(request.POST or None, years=application.years, requested=requested)
    done = run_form_action(
        request, form, lambda data: application_recommend(application=application, user=request.user,
                                                          amounts=form.amounts(),
                                                          justification=data["justification"]),
        success=_("Der Antrag ist zur Bewilligung empfohlen."), application=application)
    return done or render(request, "grants/review_recommend.html", {
        "application": application, "form": form,
        "requested_total": sum(requested.values(), ZERO), "recommended_total": form.shown_total(),
    })


def review_comment(request: HttpRequest, pk: int) -> HttpResponse:
    """The comment form posts here from the detail page; with errors it is shown on its own page."""
    application = _reviewable_application(request, pk)
    form = CommentForm(request.POST or None)
    done = run_form_action(
        request, form, lambda data: comment_add(application=application, user=request.user, text=data["text"],
                                                visibility=data["visibility"]),
        success=_("Der Kommentar ist gespeichert."), application=application)
    return done or render(request, "grants/review_comment.html", {"application": application, "form": form})
