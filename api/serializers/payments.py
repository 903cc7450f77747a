from rest_framework import serializers

from api.serializers.common import BodySerializer
from grants.models import Disbursement


class PaymentSerializer(serializers.ModelSerializer):
    """Ein Mittelabruf und seine Auszahlung: angefordert → vorbereitet → freigegeben → ausgezahlt."""

    status_label = serializers.CharField(source="get_status_display", read_only=True)
    award = serializers.IntegerField(source="award_year.award_id", read_only=True, help_text="ID der Zuwendung")
    application = serializers.IntegerField(source="award_year.award.application_id", read_only=True)
    file_reference = serializers.CharField(source="award_year.award.application.file_reference", read_only=True)
    body = BodySerializer(source="award_year.award.application.municipality", read_only=True)
    budget_year = serializers.IntegerField(source="award_year.budget.year", read_only=True,
                                           help_text="Haushaltsjahr, zu dessen Lasten gezahlt wird")

    class Meta:
        model = Disbursement
        fields = ["id", "award", "application", "file_reference", "body", "budget_year", "amount", "status",
                  "status_label", "stated_need", "requested_at", "prepared_at", "released_at", "paid_on",
                  "payment_reference", "rejection_reason"]
