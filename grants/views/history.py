"""The whole case history of an application and its grant, filterable; the application page
shows its newest entries."""

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from grants.forms.history import TimelineFilterForm
from grants.selectors.scoping import get_application_for_user
from grants.selectors.timeline import (
    case_entries,
    case_entries_filtered,
    case_events,
    case_people,
    object_links,
    timeline_rows,
)
from grants.views.common import AuthenticatedRequest, paginate_counted

PAGE_SIZE = 50


@require_GET
def application_history(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    application = get_application_for_user(request.user, pk)
    entries = case_entries(application, request.user)
    form = TimelineFilterForm(request.GET or None, events=case_events(entries), people=case_people(entries))
    filters = form.filters if form.is_bound else {}
    page = paginate_counted(request, case_entries_filtered(entries, **filters), PAGE_SIZE)
    found = list(page.object_list)
    return render(request, "grants/application_history.html", {
        "application": application, "form": form, "page": page, "filtered": any(filters.values()),
        "rows": timeline_rows(found, objects=object_links(found, request.user)),
    })
