"""Small pieces several resources share: the body, the programme and a person by name."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from grants.models import FundingProgramme
from municipalities.models import Municipality


class BodySerializer(serializers.ModelSerializer):
    """Eine Gebietskörperschaft (Landkreis oder kreisfreie Stadt)."""

    name = serializers.CharField(source="display_name", read_only=True,
                                 help_text="Eindeutiger Name, z. B. „Landkreis Gießen“ oder „Stadt Gießen“.")

    class Meta:
        model = Municipality
        fields = ["id", "name", "ags"]


class OfAwardSerializer(serializers.Serializer):
    """The case a record of an award (proof of use, reclaim) belongs to: award, application,
    file reference, body – declared once for the serializers that list them in their fields."""

    award = serializers.IntegerField(source="award_id", read_only=True)
    application = serializers.IntegerField(source="award.application_id", read_only=True)
    file_reference = serializers.CharField(source="award.application.file_reference", read_only=True)
    body = BodySerializer(source="award.application.municipality", read_only=True)


class ProgrammeRefSerializer(serializers.ModelSerializer):
    """Die Förderperiode, zu der das Objekt gehört."""

    class Meta:
        model = FundingProgramme
        fields = ["id", "code", "name"]


@extend_schema_field({"type": "string", "nullable": True, "description": "Name der Person"})
class PersonNameField(serializers.Field):
    """A person as the UI names them (first and last name), never login or e-mail."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return str(value) if value is not None else None
