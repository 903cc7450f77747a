from rest_framework import serializers

from api.serializers.common import OfAwardSerializer
from grants.models import UsageReport, UsageReportExpenditure, UsageReportFinancing


class ProofExpenditureSerializer(serializers.ModelSerializer):
    category = serializers.CharField(source="category.code", read_only=True, help_text="Kürzel der Kostenart")
    category_name = serializers.CharField(source="category.name", read_only=True)

    class Meta:
        model = UsageReportExpenditure
        fields = ["category", "category_name", "amount"]


class ProofFinancingSerializer(serializers.ModelSerializer):
    source_label = serializers.CharField(source="get_source_display", read_only=True)

    class Meta:
        model = UsageReportFinancing
        fields = ["source", "source_label", "amount"]


class ProofSerializer(OfAwardSerializer, serializers.ModelSerializer):
    """Ein Zwischen- oder Verwendungsnachweis mit den tatsächlichen Ausgaben und Einnahmen."""

    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    expenditures = ProofExpenditureSerializer(many=True, read_only=True)
    financings = ProofFinancingSerializer(many=True, read_only=True)

    class Meta:
        model = UsageReport
        fields = ["id", "award", "application", "file_reference", "body", "kind", "kind_label", "year", "status",
                  "status_label", "created_at", "submitted_at", "checked_at", "check_note", "expenditures",
                  "financings"]
