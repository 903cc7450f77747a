from rest_framework import serializers

from api.serializers.common import OfAwardSerializer
from grants.models import Reclaim, ReclaimRepayment


class RepaymentSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReclaimRepayment
        fields = ["received_on", "amount", "reference"]


class ReclaimSerializer(OfAwardSerializer, serializers.ModelSerializer):
    """Eine Rückforderung (Erstattung nach § 49a HVwVfG) mit ihren Rückzahlungen."""

    status_label = serializers.CharField(source="get_status_display", read_only=True)
    ground_label = serializers.CharField(source="get_ground_display", read_only=True)
    budget_year = serializers.IntegerField(source="award_year.budget.year", read_only=True)
    notice = serializers.IntegerField(source="notice_id", read_only=True, allow_null=True,
                                      help_text="ID des Rückforderungsbescheids, sobald festgesetzt")
    repayments = RepaymentSerializer(many=True, read_only=True)

    class Meta:
        model = Reclaim
        fields = ["id", "award", "application", "file_reference", "body", "budget_year", "ground", "ground_label",
                  "principal", "reason", "interest_from", "interest_waived", "status", "status_label", "notice",
                  "due_on", "proposed_at", "decided_at", "settled_at", "repayments"]
