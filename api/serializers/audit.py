from rest_framework import serializers


class AuditEntrySerializer(serializers.Serializer):
    """Ein Ereignis der Vorgangshistorie (wie die Seite „Verlauf“ des Antrags)."""

    created_at = serializers.DateTimeField(help_text="Zeitpunkt")
    actor = serializers.SerializerMethodField(help_text="Wer gehandelt hat (Name); null: das System")
    action = serializers.CharField(help_text="Code des Vorgangs, z. B. „grants.application.submitted“")
    kind = serializers.CharField(help_text="Art des Objekts, z. B. „antrag“, „zahlungen“")
    label = serializers.CharField(help_text="Der Vorgang in Worten")
    object = serializers.CharField(allow_null=True, help_text="Das betroffene Objekt in Worten")
    status_change = serializers.CharField(allow_null=True, help_text="z. B. „Eingereicht → In Prüfung“")
    text = serializers.CharField(allow_blank=True, help_text="Einzelheiten in Worten")

    def get_actor(self, row) -> str | None:
        return str(row["actor"]) if row["actor"] is not None else None
