"""The bodies of the writing endpoints: what a request may hold, checked for its shape only (types,
required keys); the content is checked by the UI's forms (api/writes/input.py). The answers are
the read side's representations (api/serializers/)."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from grants.plan.lines import FinancingSource

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
    source – the cells of the plan table of the application form, in the shape the application's
    own representation has them. Lines left out are empty cells."""

    expenditures = ExpenditureLineSerializer(many=True, max_length=MAX_LINES)
    financings = FinancingLineSerializer(many=True, max_length=MAX_LINES)


class ApplicationCreateInput(ApplicationDetailsInput):
    programme = serializers.CharField(max_length=50, help_text="Code der Förderperiode, z. B. „wir-2026“.")
    expenditures = ExpenditureLineSerializer(many=True, max_length=MAX_LINES, required=False,
                                             help_text="Der Ausgabenplan gleich mit (wie im Formular); sonst "
                                                       "später mit PUT …/plan/.")
    financings = FinancingLineSerializer(many=True, max_length=MAX_LINES, required=False)


class SubmitInput(serializers.Serializer):
    answer = _text(help_text="Die Antwort auf eine offene Nachforderung (nur beim erneuten Einreichen).")


class PaymentCallInput(serializers.Serializer):
    year = serializers.IntegerField(help_text="Haushaltsjahr der Zuwendung, aus dem abgerufen wird.")
    amount = AmountField()
    stated_need = _text(help_text="Wofür die Mittel innerhalb der Frist nach der Auszahlung benötigt werden.")
