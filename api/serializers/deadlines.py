from rest_framework import serializers

from api.serializers.common import BodySerializer


class DeadlineSerializer(serializers.Serializer):
    """Eine Nachweisfrist einer laufenden Zuwendung und ihr Stand am heutigen Tag."""

    id = serializers.CharField(source="uid",
                               help_text="Stabil je Zuwendung und Frist, z. B. „12-zwischennachweis-2027“")
    award = serializers.IntegerField(source="award.pk")
    application = serializers.IntegerField(source="award.application_id")
    file_reference = serializers.CharField(source="application.file_reference")
    body = BodySerializer(source="municipality")
    kind = serializers.CharField(source="deadline.kind", help_text="zwischennachweis oder verwendungsnachweis")
    label = serializers.CharField(source="proof_label", help_text="z. B. „Zwischennachweis 2027“")
    year = serializers.IntegerField(source="deadline.year", allow_null=True,
                                    help_text="Haushaltsjahr (Zwischennachweis); null beim Verwendungsnachweis")
    covers_from = serializers.DateField(source="deadline.covers_from")
    covers_to = serializers.DateField(source="deadline.covers_to")
    due = serializers.DateField(source="deadline.due", help_text="fällig am")
    state = serializers.CharField(help_text="ueberfaellig, bald-faellig, anstehend oder erledigt")
    state_label = serializers.CharField(help_text="Stand in Worten")
    note = serializers.CharField(help_text="Hinweis, z. B. „noch 5 Tage“ oder „Entwurf begonnen“")
    proof = serializers.SerializerMethodField(help_text="ID des Nachweises, falls angelegt")

    def get_proof(self, row) -> int | None:
        return row.report.pk if row.report is not None else None
