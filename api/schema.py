"""How drf-spectacular describes the API beyond what it reads from the views: the token
authentication, and the problem details (RFC 9457) every operation may answer."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.permissions import AllowAny

from api.problems import CONTENT_TYPE


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.BearerTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "Persönlicher API-Schlüssel (anzulegen unter „Mein Konto“ → „API-Schlüssel“), "
                           "gesendet als `Authorization: Bearer <Schlüssel>`.",
        }


class ProblemSerializer(serializers.Serializer):
    """Ein Fehler als Problem Details nach RFC 9457 (`application/problem+json`)."""

    type = serializers.CharField(help_text="Art des Problems als URI, z. B. „urn:wir-foerderung:problem:validierung“")
    title = serializers.CharField(help_text="Kurzbezeichnung, z. B. „Ungültige Angaben“")
    status = serializers.IntegerField(help_text="HTTP-Statuscode")
    detail = serializers.CharField(help_text="Erklärung auf Deutsch")
    instance = serializers.CharField(required=False, help_text="Pfad der Anfrage")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False,
        help_text="Bei abgelehnten Angaben: Feld → Meldungen auf Deutsch; „non_field_errors“ für das Ganze")


PROBLEMS = {
    "400": "Ungültige Angaben oder Parameter",
    "401": "Kein, ein unbekannter, widerrufener oder abgelaufener API-Schlüssel",
    "403": "Die Rolle erlaubt diese Aktion nicht",
    "404": "Nicht vorhanden oder für diese Person nicht sichtbar (bei Listen: eine Seite, die es nicht gibt)",
    "429": "Zu viele Anfragen mit diesem Schlüssel (Kopf Retry-After: Sekunden)",
}


class ApiAutoSchema(AutoSchema):
    """Adds the problem responses to every operation of the API (400 only where parameters or a
    body can be wrong, 404 only where the path names an object)."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response" or any(isinstance(p, AllowAny) for p in self.view.get_permissions()):
            return responses
        for code, description in PROBLEMS.items():
            if code == "404" and "{" not in self.path and not self._is_list_view():
                continue
            if code == "400" and self.method in ("GET", "HEAD") and not self._is_list_view():
                continue
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    OpenApiResponse(ProblemSerializer, description=description), code, (CONTENT_TYPE,), direction)
        return responses
