"""Sachbearbeitung: the work queue, and the review actions on one application.

Every action: capability check, scoped lookup, form, one service call; a refusal from the
service is shown beside the field or as a message, never as a server error.
"""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.roles import Capability
from core.money import ZERO
from grants.filters import ReviewQueueFilterSet
from grants.forms.review import CommentForm, RecommendForm, RequestChangesForm
from grants.lists import export_response, list_context
from grants.lists.columns import REVIEW_QUEUE
from grants.models import Application, ApplicationStatus
from grants.policies import may_application_recommend, may_application_request_changes
from grants.selectors.confirmation import recommend_confirmation
from grants.selectors.lists import requested_grant_total, without_long_texts
from grants.selectors.scoping import applications_visible_to, get_application_for_user
from grants.services.plans import requested_grant_by_year
from grants.services.reviews import (
    application_recommend,
    application_request_changes,
    application_start_review,
    comment_add,
)
from grants.views.common import AuthenticatedRequest, paginate, post_action, require, run_form_action

S = ApplicationStatus
PAGE_SIZE = 25


def _reviewable_application(request: AuthenticatedRequest, pk: int) -> Application:
    """Scoped lookup first (outsiders get 404), then the capability (coordinators get 403).
    Drafts (also withdrawn ones) belong to the coordinator alone; the ministry never sees them."""
    application = get_application_for_user(request.user, pk)
    require(request.user, Capability.REVIEW)
    if application.submitted_at is None:
        raise Http404(_("Antrag nicht gefunden."))
    return application


def _detail_url(application: Application) -> str:
    return reverse("grants:application_detail", args=[application.pk])


def review_queue(request: AuthenticatedRequest) -> HttpResponse:
    """All submitted applications, filtered, searched, sorted (what waits for the clerk first) and
    paginated; or their export."""
    require(request.user, Capability.REVIEW)
    applications = (
        without_long_texts(applications_visible_to(request.user))
        .exclude(status=S.DRAFT)
        .annotate(requested_total=requested_grant_total())
        .select_related("assignee")
    )
    filterset = ReviewQueueFilterSet(request.GET, queryset=applications, request=request)
    if (exported := export_response(request, REVIEW_QUEUE, filterset.qs)) is not None:
        return exported
    page = paginate(request, filterset.qs, PAGE_SIZE)
    return render(request, "grants/review_queue.html", {
        "filterset": filterset, "page": page, "applications": page.object_list,
        **list_context(request, REVIEW_QUEUE, filterset),
    })


@require_POST
def review_start(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    application = _reviewable_application(request, pk)
    return post_action(request, lambda: application_start_review(application=application, user=request.user),
                       success=_("Die Prüfung ist begonnen. Der Antrag ist jetzt „In Prüfung“."),
                       next_url=_detail_url(application))


def _refuse_on_get(request: AuthenticatedRequest, application: Application, refusal) -> HttpResponse | None:
    """On GET: an action page that cannot succeed now sends the person back with the reason."""
    if request.method != "POST" and refusal is not None:
        messages.error(request, refusal.reason)
        return redirect(_detail_url(application))
    return None


def review_request_changes(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    application = _reviewable_application(request, pk)
    if refused := _refuse_on_get(request, application, may_application_request_changes(request.user, application)):
        return refused
    form = RequestChangesForm(request.POST or None)
    done = run_form_action(
        request, form, lambda data: application_request_changes(application=application, user=request.user,
                                                                message=data["message"]),
        success=_("Die Nachforderung ist an die Koordination gesendet."), next_url=_detail_url(application))
    return done or render(request, "grants/review_request_changes.html", {"application": application, "form": form})


def review_recommend(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    application = _reviewable_application(request, pk)
    if refused := _refuse_on_get(request, application, may_application_recommend(request.user, application)):
        return refused
    requested = requested_grant_by_year(application)
    form = RecommendForm(request.POST or None, years=application.years, requested=requested)
    done = run_form_action(
        request, form, lambda data: application_recommend(application=application, user=request.user,
                                                          amounts=form.amounts(),
                                                          justification=data["justification"]),
        success=_("Der Antrag ist zur Bewilligung empfohlen."), next_url=_detail_url(application))
    return done or render(request, "grants/review_recommend.html", {
        "application": application, "form": form,
        "requested_total": sum(requested.values(), ZERO), "recommended_total": form.shown_total(),
        "confirmation": recommend_confirmation(application),
    })


def review_comment(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The comment form posts here from the detail page; with errors it is shown on its own page."""
    application = _reviewable_application(request, pk)
    form = CommentForm(request.POST or None)
    done = run_form_action(
        request, form, lambda data: comment_add(application=application, user=request.user, text=data["text"],
                                                visibility=data["visibility"]),
        success=_("Der Kommentar ist gespeichert."), next_url=_detail_url(application))
    return done or render(request, "grants/review_comment.html", {"application": application, "form": form})
