from django.db.models import DecimalField, OuterRef, Prefetch, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from drf_spectacular.utils import extend_schema, extend_schema_view

from api.filters import AwardFilter
from api.serializers.awards import AwardSerializer
from api.views.base import ScopedReadViewSet
from core.money import ZERO
from grants.models import Award, AwardRevision, AwardYear
from grants.selectors.lists import award_long_texts
from grants.selectors.scoping import awards_visible_to

MONEY: DecimalField = DecimalField(max_digits=14, decimal_places=2)


@extend_schema_view(
    list=extend_schema(summary="Zuwendungen",
                       description="Zuwendungen mit ihren bewilligten Jahresbeträgen und Fassungen."),
    retrieve=extend_schema(summary="Eine Zuwendung"),
)
class AwardViewSet(ScopedReadViewSet):
    model = Award
    serializer_class = AwardSerializer
    filterset_class = AwardFilter

    def visible(self, user) -> QuerySet[Award]:
        total = (AwardYear.objects.filter(award=OuterRef("pk")).order_by().values("award")
                 .annotate(total=Sum("amount")).values("total"))
        return (awards_visible_to(user)
                .select_related("application__programme", "application__municipality")
                .defer(*award_long_texts())
                .annotate(total=Coalesce(Subquery(total, output_field=MONEY), Value(ZERO), output_field=MONEY))
                .prefetch_related(
                    Prefetch("years", AwardYear.objects.select_related("budget").order_by("budget__year")),
                    Prefetch("revisions", AwardRevision.objects.defer("plan_snapshot").order_by("number")))
                .order_by("-created_at", "-pk"))
