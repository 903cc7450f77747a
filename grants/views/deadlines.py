"""Fristen: the reporting deadlines of running awards across awards – a coordinator's own
body, or for the ministry every body with filters – and the body's deadline calendar
(iCalendar) that a coordinator subscribes to with a secret address."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.roles import Capability
from grants.deadline_overview import (
    STATE_ORDER,
    awards_visible_to,
    count_by_state,
    deadline_rows,
    deadlines_ical,
    reclaim_due_rows,
)
from core.errors import DomainError
from grants.models import FundingProgramme
from grants.services.guards import CAPABILITY_REFUSALS
from grants.services.reminders import calendar_token_ensure, calendar_token_regenerate
from municipalities.models import Municipality
from core import clock


class DeadlineFilterForm(forms.Form):
    """The state tab (everyone) and the ministry's filters; an invalid value is ignored rather
    than refused."""

    state = forms.ChoiceField(label=gettext_lazy("Stand"), required=False,
                              choices=[("", gettext_lazy("alle"))] + [(s.value, s.label) for s in STATE_ORDER])
    municipality = forms.ModelChoiceField(label=gettext_lazy("Gebietskörperschaft"), required=False,
                                          queryset=Municipality.objects.order_by("name"),
                                          empty_label=gettext_lazy("alle"))
    district = forms.ChoiceField(label=gettext_lazy("Regierungsbezirk"), required=False,
                                 choices=[("", gettext_lazy("alle"))] + list(Municipality.Regierungsbezirk.choices))
    programme = forms.ModelChoiceField(label=gettext_lazy("Förderperiode"), required=False, to_field_name="code",
                                       queryset=FundingProgramme.objects.order_by("-period_start"),
                                       empty_label=gettext_lazy("alle"))

    def value(self, name):
        if not self.is_bound:
            return None
        self.is_valid()
        return self.cleaned_data.get(name) or None

    def filter(self, awards):
        if municipality := self.value("municipality"):
            awards = awards.filter(application__municipality=municipality)
        if district := self.value("district"):
            awards = awards.filter(application__municipality__regierungsbezirk=district)
        if programme := self.value("programme"):
            awards = awards.filter(application__programme=programme)
        return awards


def _require_deadline_reader(user) -> None:
    if not (user.can(Capability.VIEW_ALL) or (user.can(Capability.APPLY) and user.municipality_id)):
        raise PermissionDenied(_("Die Fristen sehen nur die Koordination einer Gebietskörperschaft und das "
                                 "Ministerium."))


@login_required
def deadline_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require_deadline_reader(user)
    ministry = user.can(Capability.VIEW_ALL)
    form = DeadlineFilterForm(request.GET or None)
    awards = awards_visible_to(user)
    if ministry:
        awards = form.filter(awards)
    today = clock.today()
    rows = deadline_rows(awards, today=today)
    counts = count_by_state(rows)
    state = form.value("state")
    if state:
        rows = [row for row in rows if row.state == state]
    tabs = [{"value": "", "label": _("alle"), "count": sum(counts.values()), "active": not state}] + [
        {"value": s.value, "label": s.label, "count": counts[s.value], "active": state == s.value}
        for s in STATE_ORDER
    ]
    return render(request, "grants/deadline_list.html", {
        "ministry": ministry, "form": form, "rows": rows, "tabs": tabs, "today": today, "state": state or "",
        "reclaim_rows": reclaim_due_rows(awards, today=today),
        "state_label": next((t["label"] for t in tabs if t["active"]), ""),
        "filtered": any(form.value(name) for name in ("municipality", "district", "programme")),
    })


def _calendar_url(token: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("grants:deadline_calendar_feed", args=[token])


def _require_coordinator(user) -> None:
    if not (user.can(Capability.APPLY) and user.municipality_id):
        raise PermissionDenied(CAPABILITY_REFUSALS[Capability.APPLY])


@login_required
def deadline_calendar(request: HttpRequest) -> HttpResponse:
    """The coordinator's subscription address (created on the first visit)."""
    _require_coordinator(request.user)
    token = calendar_token_ensure(user=request.user)
    response = render(request, "grants/deadline_calendar.html", {
        "calendar_url": _calendar_url(token), "municipality": request.user.municipality,
    })
    patch_cache_control(response, private=True, no_store=True)  # the address is a secret
    return response


@login_required
@require_POST
def deadline_calendar_renew(request: HttpRequest) -> HttpResponse:
    _require_coordinator(request.user)
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
    if user is None or not user.can(Capability.APPLY) or not user.municipality_id:
        raise Http404(_("Kalender nicht gefunden."))
    awards = awards_visible_to(user)
    rows = deadline_rows(awards, today=clock.today())
    site = settings.SITE_URL.rstrip("/")
    body = deadlines_ical(
        rows, calendar_name=_("WIR-Fristen %(body)s") % {"body": user.municipality.name}, now=clock.now(),
        link_for=lambda row: site + reverse("grants:application_detail", args=[row.application.pk]),
        reclaims=reclaim_due_rows(awards, today=clock.today()))
    response = HttpResponse(body.encode("utf-8"), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="wir-fristen.ics"'
    patch_cache_control(response, private=True, max_age=3600)
    response["X-Robots-Tag"] = "noindex"
    return response
