"""Bescheide: every issued notice in one list for the ministry – those whose Bekanntgabe is still
to be recorded first – searched, filtered, sorted by any column, paged and exported."""

from django.db.models import OuterRef, Subquery
from django.http import HttpResponse
from django.shortcuts import render

from accounts.roles import Capability
from grants.filters import NoticeFilterSet
from grants.lists import export_response, list_context
from grants.lists.columns import NOTICES
from grants.models import Notice, NoticeDelivery
from grants.selectors.scoping import applications_visible_to
from grants.views.common import AuthenticatedRequest, paginate, require

PAGE_SIZE = 25


def notice_list(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, Capability.VIEW_ALL)
    # The valid Bekanntgabe is the latest entry of a notice (append-only corrections).
    notified = (NoticeDelivery.objects.filter(notice=OuterRef("pk")).order_by("-recorded_at", "-pk")
                .values("notified_on")[:1])
    notices = (Notice.objects.filter(application__in=applications_visible_to(request.user))
               .annotate(notified_on=Subquery(notified))
               .select_related("application__municipality", "issued_by")
               .defer("pdf", "snapshot", "application__purpose"))
    filterset = NoticeFilterSet(request.GET, queryset=notices)
    if (exported := export_response(request, NOTICES, filterset.qs)) is not None:
        return exported
    page = paginate(request, filterset.qs, PAGE_SIZE)
    return render(request, "grants/notice_list.html", {
        "filterset": filterset, "page": page, "notices": page.object_list,
        **list_context(request, NOTICES, filterset),
    })
