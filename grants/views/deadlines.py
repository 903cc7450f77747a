"""Fristen: the reporting deadlines of running awards across awards – a coordinator's own
body, or for the ministry every body with filters – and the body's deadline calendar
(iCalendar) that a coordinator subscribes to with a secret address."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.roles import Capability
from core import clock
from core.errors import DomainError
from grants.exports.ical import deadlines_ical
from grants.filters import DeadlineFilterSet
from grants.lists import export_response, list_context
from grants.lists.columns import BODY_DEADLINES, DEADLINES, body_fields
from grants.policies import may_calendar_subscribe, may_deadlines_view
from grants.selectors.deadlines import (
    STATE_ORDER,
    count_by_state,
    deadline_index,
    deadline_rows,
    deadline_rows_for,
    open_reclaims,
    reclaim_due_rows,
    revocation_deadline_rows,
    running_awards,
)
from grants.selectors.scoping import awards_visible_to
from grants.services.reminders import calendar_token_ensure, calendar_token_regenerate
from grants.views.common import AuthenticatedRequest, forbid, paginate

PAGE_SIZE = 100  # short rows: a hundred deadlines read like one list
RECLAIM_PAGE_SIZE = 25  # each row computes its interest until today


@login_required
def deadline_list(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    forbid(may_deadlines_view(user))
    ministry = user.can(Capability.VIEW_ALL)
    filterset = DeadlineFilterSet(request.GET, queryset=running_awards(awards_visible_to(user)))
    # A coordinator sees the own body's awards: only the state tab applies.
    awards = filterset.qs if ministry else filterset.queryset
    today = clock.today()
    listing = DEADLINES if ministry else BODY_DEADLINES
    keys = listing.search_items(deadline_index(awards, today=today), filterset.value("q"))
    counts = count_by_state(keys)
    state = filterset.value("state")
    if state:
        keys = [key for key in keys if key.state == state]
    keys = listing.order_items(keys, filterset.value("sort"))
    def rows_of(found):  # of each award what the columns read: file reference and body
        return deadline_rows_for(found, today=today, only=body_fields("application"))

    exported = export_response(request, listing, keys, load=rows_of)
    if exported is not None:
        return exported
    tabs = [{"value": "", "label": _("alle"), "count": sum(counts.values()), "active": not state}] + [
        {"value": s.value, "label": s.label, "count": counts[s.value], "active": state == s.value}
        for s in STATE_ORDER
    ]
    page = paginate(request, keys, PAGE_SIZE)  # by default most urgent first: overdue, due soon, upcoming, done
    reclaim_page = paginate(request, open_reclaims(awards), RECLAIM_PAGE_SIZE, param="zahlungsfristen")
    return render(request, "grants/deadline_list.html", {
        "ministry": ministry, "filterset": filterset, "rows": rows_of(list(page.object_list)),
        "page": page, "tabs": tabs, "today": today, "state": state or "",
        "reclaim_rows": reclaim_due_rows(awards, today=today, reclaims=reclaim_page.object_list),
        "reclaim_page": reclaim_page,
        "revocation_rows": revocation_deadline_rows(awards, today=today) if ministry else [],
        "state_label": next((t["label"] for t in tabs if t["active"]), ""),
        **list_context(request, listing, filterset),
    })


def _calendar_url(token: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("grants:deadline_calendar_feed", args=[token])


@login_required
def deadline_calendar(request: AuthenticatedRequest) -> HttpResponse:
    """The coordinator's subscription address (created on the first visit)."""
    forbid(may_calendar_subscribe(request.user))
    token = calendar_token_ensure(user=request.user)
    response = render(request, "grants/deadline_calendar.html", {
        "calendar_url": _calendar_url(token), "municipality": request.user.municipality,
    })
    patch_cache_control(response, private=True, no_store=True)  # the address is a secret
    return response


@login_required
@require_POST
def deadline_calendar_renew(request: AuthenticatedRequest) -> HttpResponse:
    forbid(may_calendar_subscribe(request.user))
    try:
        calendar_token_regenerate(user=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Die neue Kalenderadresse ist erzeugt; die bisherige Adresse funktioniert "
                                    "nicht mehr. Bitte tragen Sie die neue Adresse in Ihrem Kalender ein."))
    return redirect("grants:deadline_calendar")


@login_not_required
def deadline_calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The body's deadlines as iCalendar, for calendar apps (no login: the address is the secret).
    404 for an unknown token and for one of a deactivated person or someone not (or no longer)
    coordinating a body."""
    if len(token) < 32:
        raise Http404(_("Kalender nicht gefunden."))
    user = User.objects.filter(calendar_token=token, is_active=True).select_related("municipality").first()
    if user is None or may_calendar_subscribe(user) is not None:
        raise Http404(_("Kalender nicht gefunden."))
    assert user.municipality is not None  # may_calendar_subscribe: a coordinator of a body
    awards = running_awards(awards_visible_to(user))
    rows = deadline_rows(awards, today=clock.today())
    site = settings.SITE_URL.rstrip("/")
    body = deadlines_ical(
        rows, calendar_name=_("WIR-Fristen %(body)s") % {"body": user.municipality.display_name}, now=clock.now(),
        link_for=lambda row: site + reverse("grants:application_detail", args=[row.application.pk]),
        reclaims=reclaim_due_rows(awards, today=clock.today()))
    response = HttpResponse(body.encode("utf-8"), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="wir-fristen.ics"'
    patch_cache_control(response, private=True, max_age=3600)
    response["X-Robots-Tag"] = "noindex"
    return response
