from rest_framework import serializers

from api.serializers.common import BodySerializer, ProgrammeRefSerializer
from grants.models import Award, AwardRevision, AwardYear


class AwardYearSerializer(serializers.ModelSerializer):
    """Der bewilligte Höchstbetrag eines Haushaltsjahres."""

    year = serializers.IntegerField(source="budget.year", read_only=True, help_text="Haushaltsjahr")

    class Meta:
        model = AwardYear
        fields = ["year", "amount"]


class AwardRevisionSerializer(serializers.ModelSerializer):
    """Eine Fassung der Zuwendung: Fassung 1 ist die Bewilligung, jede bewilligte Änderung fügt eine hinzu."""

    amounts = serializers.DictField(child=serializers.DecimalField(max_digits=14, decimal_places=2),
                                    read_only=True, help_text="Haushaltsjahr → bewilligter Betrag in Euro")

    class Meta:
        model = AwardRevision
        fields = ["number", "period_start", "period_end", "amounts", "created_at"]


class AwardSerializer(serializers.ModelSerializer):
    """Eine Zuwendung (das verbindliche Ergebnis eines bewilligten Antrags)."""

    application = serializers.IntegerField(source="application_id", read_only=True, help_text="ID des Antrags")
    file_reference = serializers.CharField(source="application.file_reference", read_only=True,
                                           help_text="Aktenzeichen")
    programme = ProgrammeRefSerializer(source="application.programme", read_only=True)
    body = BodySerializer(source="application.municipality", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    financing_type_label = serializers.CharField(source="get_financing_type_display", read_only=True)
    years = AwardYearSerializer(many=True, read_only=True, help_text="bewilligte Jahresbeträge")
    total = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True,
                                     help_text="Summe der bewilligten Jahresbeträge in Euro")
    revisions = AwardRevisionSerializer(many=True, read_only=True, help_text="Fassungen, älteste zuerst")

    class Meta:
        model = Award
        fields = ["id", "application", "file_reference", "programme", "body", "status", "status_label",
                  "period_start", "period_end", "financing_type", "financing_type_label", "financing_share",
                  "created_at", "closed_at", "years", "total", "revisions"]
