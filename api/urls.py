"""The REST API, version 1, under /api/v1/ (docs/notes-api.md).

The API authenticates by token, not by session: Django's LoginRequiredMiddleware lets its
addresses through (`_open_to_tokens`) and DRF answers 401 itself, as problem details.
"""

from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, URLResolver, include, path, re_path

from api import problems
from api.views.docs import DocsView, SchemaView

app_name = "api"


def _open_to_tokens(patterns: list) -> list:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            _open_to_tokens(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            login_not_required(pattern.callback)
    return patterns


urlpatterns = _open_to_tokens([
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", DocsView.as_view(), name="docs"),
    path("", include("api.urls_write")),
    # Anything else under /api/v1/: a 404 problem, not the HTML page.
    re_path(r"^.*$", problems.not_found, name="not_found"),
])
