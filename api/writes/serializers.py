"""The bodies of the writing endpoints: what a request may hold (checked for its shape only –
types, required keys; the content is checked by the UI's forms, api/writes/input.py) and what the
answers hold. They also describe the endpoints in the OpenAPI schema."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.money import ZERO
from grants.models import Application, Disbursement
from grants.plan.lines import FinancingSource
from grants.services.plans import plan_lines

MAX_LINES = 400  # far above a plan of five years, four categories and three sources


@extend_schema_field({"type": "string", "example": "118000.00",
                      "description": "Betrag in Euro als Dezimalzahl mit Punkt, höchstens zwei Nachkommastellen."})
class AmountField(serializers.Field):
    """An amount as the request has it (a string, or an exact JSON number); read by the form."""

    default_error_messages = {
        "invalid": _("Bitte den Betrag als Zeichenkette mit Dezimalpunkt angeben, z. B. „118000.00“."),
    }

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, str | int | Decimal):
            self.fail("invalid")
        return data

    def to_representation(self, value):
        return str(value)


@extend_schema_field(OpenApiTypes.DATE)
class DateText(serializers.CharField):
    """A date as the request has it ("2026-01-01"; the page's "01.01.2026" is read too)."""


def _text(**kwargs) -> serializers.CharField:
    return serializers.CharField(required=False, allow_blank=True, trim_whitespace=False, **kwargs)


class ApplicationDetailsInput(serializers.Serializer):
    """The details of the application form; on PATCH only those that change."""

    title = _text(help_text="Bezeichnung des Vorhabens, z. B. „WIR-Vielfaltszentrum Werra-Meißner-Kreis“.")
    purpose = _text(help_text="Zweck der Zuwendung; erscheint so im Bescheid.")
    period_start = DateText(required=False, help_text="Beginn des Vorhabens.")
    period_end = DateText(required=False, help_text="Ende des Vorhabens.")
    contact_name = _text()
    contact_phone = _text()
    contact_email = _text()


class ExpenditureLineSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=1900, max_value=2199, help_text="Haushaltsjahr")
    category = serializers.CharField(max_length=50, help_text="Code der Kostenart des Förderprogramms, z. B. "
                                                              "„personal“.")
    category_name = serializers.CharField(read_only=True)
    amount = AmountField()
    positions = AmountField(required=False, allow_null=True,
                            help_text="Stellenanteile (VZÄ) bei Kostenarten, die Stellen zählen, z. B. „2.00“.")


class FinancingLineSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=1900, max_value=2199, help_text="Haushaltsjahr")
    source = serializers.CharField(max_length=50, help_text="Finanzierungsquelle: "
                                   + ", ".join(f"„{value}“" for value in FinancingSource.values))
    amount = AmountField()


class PlanSerializer(serializers.Serializer):
    """The financing plan as lines per budget year: expenditure per cost category, financing per
    source – the cells of the plan table of the application form. Lines left out are empty."""

    expenditures = ExpenditureLineSerializer(many=True, max_length=MAX_LINES)
    financing = FinancingLineSerializer(many=True, max_length=MAX_LINES)

    def to_representation(self, instance: Application):
        expenditures, financings = plan_lines(instance)
        return {
            "expenditures": [
                {"year": line.year, "category": line.category.code, "category_name": line.category.name,
                 "amount": str(line.amount), "positions": None if line.positions is None else str(line.positions)}
                for line in sorted(expenditures, key=lambda e: (e.year, e.category.position, e.category.code))],
            "financing": [
                {"year": line.year, "source": line.source, "amount": str(line.amount)}
                for line in sorted(financings, key=lambda f: (f.year, FinancingSource.values.index(f.source)))],
        }


class ApplicationCreateInput(ApplicationDetailsInput):
    programme = serializers.CharField(max_length=50, help_text="Code der Förderperiode, z. B. „wir-2026“.")
    plan = PlanSerializer(required=False, help_text="Der Finanzierungsplan gleich mit (wie im Formular); "
                                                    "sonst später mit PUT …/plan/.")


class SubmitInput(serializers.Serializer):
    answer = _text(help_text="Die Antwort auf eine offene Nachforderung (nur beim erneuten Einreichen).")


class ApplicationResultSerializer(serializers.ModelSerializer):
    """The application as the writing endpoints answer it."""

    programme = serializers.SlugRelatedField(slug_field="code", read_only=True)
    municipality = serializers.CharField(source="municipality.display_name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    plan = PlanSerializer(source="*", read_only=True)
    requested_grant = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = ["id", "programme", "municipality", "status", "status_label", "file_reference", "title",
                  "purpose", "period_start", "period_end", "contact_name", "contact_phone", "contact_email",
                  "submitted_at", "requested_grant", "plan"]
        read_only_fields = fields

    @extend_schema_field({"type": "string", "example": "500000.00"})
    def get_requested_grant(self, application: Application) -> str:
        _expenditures, financings = plan_lines(application)
        return str(sum((line.amount for line in financings if line.source == FinancingSource.GRANT), ZERO))


class PaymentCallInput(serializers.Serializer):
    year = serializers.IntegerField(help_text="Haushaltsjahr der Zuwendung, aus dem abgerufen wird.")
    amount = AmountField()
    stated_need = _text(help_text="Wofür die Mittel innerhalb der Frist nach der Auszahlung benötigt werden.")


class PaymentCallResultSerializer(serializers.ModelSerializer):
    award = serializers.IntegerField(source="award_year.award_id", read_only=True)
    year = serializers.IntegerField(source="award_year.budget.year", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Disbursement
        fields = ["id", "award", "year", "amount", "status", "status_label", "stated_need", "requested_at"]
        read_only_fields = fields


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details (api/problems.py)."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    instance = serializers.CharField(required=False)
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False,
                                   help_text="Feld → deutsche Meldungen, mit den Feldnamen des Formulars der "
                                             "Anwendung; „non_field_errors“ für das, was kein einzelnes Feld "
                                             "betrifft.")
