"""How drf-spectacular describes the token authentication in the OpenAPI schema."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


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
