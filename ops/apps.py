from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Running the application: request log and its JSON format, the Permissions-Policy header,
    and the health (/healthz) and readiness (/readyz) answers for load balancers and monitoring.
    Imports nothing of the domain apps."""

    name = "ops"
    verbose_name = "Betrieb"
