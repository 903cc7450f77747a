from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view

from api.filters import PaymentFilter, ProofFilter, ReclaimFilter
from api.serializers.payments import PaymentSerializer
from api.serializers.proofs import ProofSerializer
from api.serializers.reclaims import ReclaimSerializer
from api.views.base import ScopedReadViewSet
from grants.models import Disbursement, Reclaim, UsageReport
from grants.selectors.scoping import disbursements_visible_to, reclaims_visible_to, usage_reports_visible_to


@extend_schema_view(
    list=extend_schema(summary="Mittelabrufe und Auszahlungen",
                       description="Jeder Mittelabruf mit dem Stand seiner Auszahlung, neueste zuerst."),
    retrieve=extend_schema(summary="Ein Mittelabruf"),
)
class PaymentViewSet(ScopedReadViewSet):
    model = Disbursement
    serializer_class = PaymentSerializer
    filterset_class = PaymentFilter

    def visible(self, user) -> QuerySet[Disbursement]:
        return (disbursements_visible_to(user)
                .select_related("award_year__budget", "award_year__award__application__municipality")
                .only("pk", "amount", "status", "stated_need", "requested_at", "prepared_at", "released_at",
                      "paid_on", "payment_reference", "rejection_reason", "award_year__award_id",
                      "award_year__budget__year", "award_year__award__application_id",
                      "award_year__award__application__file_reference",
                      "award_year__award__application__municipality__name",
                      "award_year__award__application__municipality__kind",
                      "award_year__award__application__municipality__ags")
                .order_by("-requested_at", "-pk"))


@extend_schema_view(
    list=extend_schema(summary="Zwischen- und Verwendungsnachweise"),
    retrieve=extend_schema(summary="Ein Nachweis mit tatsächlichen Ausgaben und Einnahmen"),
)
class ProofViewSet(ScopedReadViewSet):
    model = UsageReport
    serializer_class = ProofSerializer
    filterset_class = ProofFilter

    def visible(self, user) -> QuerySet[UsageReport]:
        return (usage_reports_visible_to(user)
                .defer("award__plan_snapshot", "award__application__purpose")
                .prefetch_related("expenditures__category", "financings")
                .order_by("-created_at", "-pk"))


@extend_schema_view(
    list=extend_schema(summary="Rückforderungen",
                       description="Das Ministerium sieht jede Rückforderung, die Koordination die festgesetzten "
                                   "und die, zu denen sie angehört wurde."),
    retrieve=extend_schema(summary="Eine Rückforderung mit ihren Rückzahlungen"),
)
class ReclaimViewSet(ScopedReadViewSet):
    model = Reclaim
    serializer_class = ReclaimSerializer
    filterset_class = ReclaimFilter

    def visible(self, user) -> QuerySet[Reclaim]:
        return reclaims_visible_to(user).prefetch_related("repayments").order_by("-proposed_at", "-pk")
