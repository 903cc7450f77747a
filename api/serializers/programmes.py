from rest_framework import serializers

from grants.models import CostCategory, FundingProgramme


class CostCategorySerializer(serializers.ModelSerializer):
    """Eine Kostenart des Finanzierungsplans mit ihren Obergrenzen."""

    class Meta:
        model = CostCategory
        fields = ["code", "name", "position", "is_fundable", "counts_positions", "max_positions",
                  "cap_per_position", "cap_per_year", "first_year"]


class ProgrammeSerializer(serializers.ModelSerializer):
    """Eine Förderperiode des Programms (z. B. „WIR – Vielfalt und Teilhabe 2026–2030“)."""

    period_label = serializers.CharField(read_only=True, help_text="Die Periode in Jahren, z. B. „2026–2030“.")
    financing_type_label = serializers.CharField(source="get_financing_type_display", read_only=True,
                                                 help_text="Finanzierungsart in Worten.")
    cost_categories = CostCategorySerializer(many=True, read_only=True)

    class Meta:
        model = FundingProgramme
        fields = ["id", "code", "name", "period_start", "period_end", "period_label", "application_deadline",
                  "accepts_applications", "financing_type", "financing_type_label", "financing_share",
                  "max_grant_per_applicant", "budget_chapter", "budget_title", "legal_basis", "cost_categories"]


# Serializes grants.selectors.budgets.BudgetYearFigures (the docstring is the schema's description).
class BudgetYearSerializer(serializers.Serializer):
    """Ein Haushaltsjahr der Förderperiode: Ansatz, durch Zuwendungen gebunden, ausgezahlt, frei."""

    year = serializers.IntegerField(help_text="Haushaltsjahr")
    budget = serializers.DecimalField(max_digits=14, decimal_places=2, help_text="Haushaltsansatz in Euro")
    committed = serializers.DecimalField(max_digits=14, decimal_places=2,
                                         help_text="durch Zuwendungen gebunden (Summe der bewilligten Jahresbeträge)")
    paid = serializers.DecimalField(max_digits=14, decimal_places=2, help_text="ausgezahlt (gebuchte Auszahlungen)")
    remaining = serializers.DecimalField(max_digits=14, decimal_places=2,
                                         help_text="noch nicht gebunden (Ansatz minus gebunden)")
