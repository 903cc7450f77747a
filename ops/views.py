"""/healthz (is everything this server depends on working?) and /readyz (may this server take
requests: database reachable and every migration applied?). No sign-in, no personal data, never
cached; 200 when all is well, 503 naming the failing check otherwise."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from ops import health

OK = "ok"


def _answer(request, checks: dict[str, str | None]) -> JsonResponse:
    results = {name: problem or OK for name, problem in checks.items()}
    healthy = all(problem is None for problem in checks.values())
    response = JsonResponse({"status": OK if healthy else "error", "checks": results},
                            status=200 if healthy else 503, json_dumps_params={"ensure_ascii": False})
    if request.method == "HEAD":  # a probe that reads the status alone: no body (RFC 9110)
        response.content = b""
    return response


@login_not_required
@never_cache
@require_safe
def healthz(request):
    checks = {"database": health.check_database(), "storage": health.check_storage()}
    if getattr(settings, "CELERY_BROKER_URL", None):
        checks["broker"] = health.check_broker()
    return _answer(request, checks)


@login_not_required
@never_cache
@require_safe
def readyz(request):
    database = health.check_database()
    checks: dict[str, str | None] = {"database": database}
    if database is None:
        try:
            pending = health.unapplied_migrations()
        except Exception as error:
            checks["migrations"] = health.failure("migrations", error)
        else:
            checks["migrations"] = f"{pending} Migration(en) nicht angewendet" if pending else None
    return _answer(request, checks)
