from typing import cast

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.roles import Capability
from api.serializers.programmes import BudgetYearSerializer, ProgrammeSerializer
from api.views.base import ScopedReadViewSet
from grants.models import FundingProgramme
from grants.policies.base import check, refuse_capability
from grants.selectors.budgets import budget_figures


def programmes_visible_to(user) -> QuerySet[FundingProgramme]:
    """Every programme period for a person with a role (coordinators apply in them, the ministry
    runs them); none for an account without one."""
    if user.can(Capability.VIEW_ALL) or (user.can(Capability.APPLY) and user.municipality_id):
        return FundingProgramme.objects.all()
    return FundingProgramme.objects.none()


@extend_schema_view(
    list=extend_schema(summary="Förderperioden", description="Alle Förderperioden des Programms, neueste zuerst, "
                       "mit ihren Kostenarten."),
    retrieve=extend_schema(summary="Eine Förderperiode"),
)
class ProgrammeViewSet(ScopedReadViewSet):
    model = FundingProgramme
    serializer_class = ProgrammeSerializer

    def visible(self, user) -> QuerySet[FundingProgramme]:
        return programmes_visible_to(user).prefetch_related("cost_categories").order_by("-period_start", "-pk")

    @extend_schema(summary="Haushalt der Förderperiode je Haushaltsjahr",
                   description="Haushaltsansatz, durch Zuwendungen gebunden, ausgezahlt und frei – wie die "
                               "Programmübersicht. Nur für das Ministerium.",
                   responses=BudgetYearSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def budgets(self, request: Request, pk=None) -> Response:
        programme = cast(FundingProgramme, self.get_object())
        check(refuse_capability(request.user, Capability.VIEW_ALL))
        return Response(BudgetYearSerializer(budget_figures(programme), many=True).data)
