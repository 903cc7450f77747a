from rest_framework import serializers

from api.serializers.common import BodySerializer, ProgrammeRefSerializer
from grants.models import Application, PlanExpenditure, PlanFinancing


class PlanExpenditureSerializer(serializers.ModelSerializer):
    """Geplante Ausgaben eines Haushaltsjahres in einer Kostenart."""

    category = serializers.CharField(source="category.code", read_only=True, help_text="Kürzel der Kostenart")
    category_name = serializers.CharField(source="category.name", read_only=True)

    class Meta:
        model = PlanExpenditure
        fields = ["year", "category", "category_name", "amount", "positions"]


class PlanFinancingSerializer(serializers.ModelSerializer):
    """Geplante Finanzierung eines Haushaltsjahres aus einer Quelle."""

    source_label = serializers.CharField(source="get_source_display", read_only=True)

    class Meta:
        model = PlanFinancing
        fields = ["year", "source", "source_label", "amount"]


class ApplicationListSerializer(serializers.ModelSerializer):
    """Ein Antrag einer Gebietskörperschaft in einer Förderperiode."""

    programme = ProgrammeRefSerializer(read_only=True)
    body = BodySerializer(source="municipality", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True, help_text="Status in Worten")
    requested_grant = serializers.DecimalField(
        max_digits=14, decimal_places=2, read_only=True,
        help_text="Beantragte Zuwendung über alle Haushaltsjahre in Euro")
    award = serializers.IntegerField(source="award_pk", read_only=True, allow_null=True,
                                     help_text="ID der Zuwendung, wenn bewilligt; sonst null")

    class Meta:
        model = Application
        fields = ["id", "file_reference", "status", "status_label", "title", "programme", "body",
                  "period_start", "period_end", "submitted_at", "created_at", "requested_grant", "award"]


class ApplicationDetailSerializer(ApplicationListSerializer):
    """Ein Antrag mit Zweck, Ansprechperson und Finanzierungsplan."""

    expenditures = PlanExpenditureSerializer(many=True, read_only=True,
                                             help_text="Ausgabenplan: je Haushaltsjahr und Kostenart")
    financings = PlanFinancingSerializer(many=True, read_only=True,
                                         help_text="Finanzierungsplan: je Haushaltsjahr und Quelle")

    class Meta(ApplicationListSerializer.Meta):
        fields = [*ApplicationListSerializer.Meta.fields, "purpose", "contact_name", "contact_phone",
                  "contact_email", "expenditures", "financings"]
