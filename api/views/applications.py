from typing import cast

from django.db.models import F, Prefetch, QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from api.filters import ApplicationFilter
from api.serializers.applications import ApplicationDetailSerializer, ApplicationListSerializer
from api.serializers.audit import AuditEntrySerializer
from api.views.base import ScopedReadViewSet
from grants.models import Application, PlanExpenditure
from grants.selectors.lists import requested_grant_total, without_long_texts
from grants.selectors.scoping import applications_visible_to
from grants.selectors.timeline import KINDS, case_entries, case_entries_filtered, object_links, timeline_rows


@extend_schema_view(
    list=extend_schema(summary="Anträge",
                       description="Die Anträge, die die Person sieht: die Koordination die ihrer "
                                   "Gebietskörperschaft, das Ministerium alle eingereichten. Neueste zuerst."),
    retrieve=extend_schema(summary="Ein Antrag mit Finanzierungsplan"),
)
class ApplicationViewSet(ScopedReadViewSet):
    model = Application
    filterset_class = ApplicationFilter

    def get_serializer_class(self):
        return ApplicationListSerializer if self.action == "list" else ApplicationDetailSerializer

    def visible(self, user) -> QuerySet[Application]:
        applications: QuerySet[Application] = applications_visible_to(user).annotate(
            requested_grant=requested_grant_total(), award_pk=F("award__id"))
        if self.action == "list":
            applications = without_long_texts(applications)
        elif self.action == "retrieve":
            applications = applications.prefetch_related(
                Prefetch("expenditures", PlanExpenditure.objects.select_related("category")
                         .order_by("year", "category__position", "category__name")),
                "financings")
        return applications.order_by("-created_at", "-pk")

    @extend_schema(
        summary="Verlauf des Vorgangs",
        description="Jedes Ereignis des Antrags und seiner Zuwendung (Bescheide, Zahlungen, Nachweise, "
                    "Rückforderungen, Änderungen), neueste zuerst – wie die Seite „Verlauf“; die Koordination "
                    "sieht die internen Vorgänge des Ministeriums nicht.",
        parameters=[OpenApiParameter("kind", OpenApiTypes.STR, enum=list(KINDS),
                                     description="Nur Ereignisse dieser Art")],
        responses=AuditEntrySerializer(many=True))
    @action(detail=True, methods=["get"], filter_backends=[])
    def audit(self, request: Request, pk=None) -> Response:
        application = cast(Application, self.get_object())
        kind = request.query_params.get("kind", "")
        if kind and kind not in KINDS:
            raise ValidationError({"kind": [_("Unbekannte Art. Möglich sind: %(kinds)s.") % {
                "kinds": ", ".join(KINDS)}]})
        entries = case_entries_filtered(case_entries(application, request.user), kind=kind)
        page = self.paginate_queryset(entries)
        found = list(page if page is not None else entries)
        rows = timeline_rows(found, objects=object_links(found, request.user))
        for row, entry in zip(rows, found, strict=True):
            row["action"] = entry.action
        data = AuditEntrySerializer(rows, many=True).data
        return self.get_paginated_response(data)
