from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.common import PersonNameField
from grants.models import Notice


class NoticeSerializer(serializers.ModelSerializer):
    """Ein erlassener Bescheid (Metadaten; das PDF unter `pdf_url`)."""

    kind_label = serializers.CharField(source="get_kind_display", read_only=True, help_text="Bescheidart in Worten")
    application = serializers.IntegerField(source="application_id", read_only=True)
    award = serializers.IntegerField(source="award_id", read_only=True, allow_null=True)
    refers_to = serializers.IntegerField(source="refers_to_id", read_only=True, allow_null=True,
                                         help_text="ID des geänderten Bescheids (Änderungsbescheid)")
    file_reference = serializers.CharField(source="application.file_reference", read_only=True)
    issued_by = PersonNameField(help_text="Wer den Bescheid erlassen hat")
    sha256 = serializers.CharField(read_only=True, help_text="SHA-256 des gespeicherten PDF (auch ETag)")
    pdf_url = serializers.SerializerMethodField(help_text="Adresse des PDF")

    class Meta:
        model = Notice
        fields = ["id", "number", "kind", "kind_label", "application", "file_reference", "award", "refers_to",
                  "issued_on", "issued_by", "sha256", "pdf_url", "created_at"]

    @extend_schema_field(serializers.CharField())
    def get_pdf_url(self, notice: Notice) -> str:
        path = reverse("api:notice-pdf", args=[notice.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path
