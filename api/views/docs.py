"""The OpenAPI schema and its browsable documentation: open to everyone (they describe the API,
they hold no data), served from this origin (drf-spectacular-sidecar) under the strict CSP."""

from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny


class SchemaView(SpectacularAPIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI with its settings script as a file (the "split" view): no inline script; the
    page's own style comes from static/css/api-docs.css instead of a <style> element."""

    template_name = "api/docs.html"
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []
    url_name = "api:schema"
