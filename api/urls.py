"""The REST API, version 1, under /api/v1/ (README, "Schnittstellen").

The applications resource, reading and writing, is registered in api/urls_write.py.

The API authenticates by token, not by session: Django's LoginRequiredMiddleware lets its
addresses through (`_open_to_tokens`) and DRF answers 401 itself, as problem details.
"""

from csp.decorators import csp_update
from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, URLResolver, include, path, re_path
from rest_framework.routers import SimpleRouter

from api import problems
from api.views.awards import AwardViewSet
from api.views.deadlines import DeadlineViewSet
from api.views.docs import DocsView, SchemaView
from api.views.notices import NoticeViewSet
from api.views.payments import PaymentViewSet, ProofViewSet, ReclaimViewSet
from api.views.programmes import ProgrammeViewSet

app_name = "api"


def _open_to_tokens(patterns: list) -> list:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            _open_to_tokens(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            login_not_required(pattern.callback)
    return patterns


router = SimpleRouter()
router.register("programmes", ProgrammeViewSet, basename="programme")
router.register("awards", AwardViewSet, basename="award")
router.register("notices", NoticeViewSet, basename="notice")
router.register("payments", PaymentViewSet, basename="payment")
router.register("proofs", ProofViewSet, basename="proof")
router.register("reclaims", ReclaimViewSet, basename="reclaim")
router.register("deadlines", DeadlineViewSet, basename="deadline")

urlpatterns = _open_to_tokens([
    path("schema/", SchemaView.as_view(), name="schema"),
    # Swagger UI draws its icons as data: images; this page alone (it shows no data) allows them.
    path("docs/", csp_update({"img-src": ["data:"]})(DocsView.as_view()), name="docs"),
    path("", include("api.urls_write")),
    *router.urls,
    # Anything else under /api/v1/: a 404 problem, not the HTML page.
    re_path(r"^.*$", problems.not_found, name="not_found"),
])
