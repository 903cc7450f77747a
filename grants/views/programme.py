"""Programme overview for ministry staff: budget years, awards per body and per
Regierungsbezirk, a chart, and each table as CSV or XLSX."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from accounts.roles import Capability
from grants import reports
from grants.charts import budget_chart
from grants.views.common import require

EXPORT_FORMATS = {
    "csv": (reports.to_csv, reports.CSV_CONTENT_TYPE),
    "xlsx": (reports.to_xlsx, reports.XLSX_CONTENT_TYPE),
}
DEFAULT_TABLE = "jahre"


def _choose_programme(request: HttpRequest):
    """(programmes, chosen programme or None, German error or None) for `?programm=<code>`."""
    programmes = reports.programmes_for_report()
    code = request.GET.get("programm", "").strip()
    if not code:
        return programmes, reports.default_programme(programmes), None
    chosen = next((p for p in programmes if p.code == code), None)
    if chosen is None:
        return programmes, None, _("Ein Förderprogramm mit dem Kürzel „%(code)s“ gibt es nicht.") % {"code": code[:40]}
    return programmes, chosen, None


def _not_found(message: str) -> HttpResponse:
    return HttpResponseNotFound(message, content_type="text/plain; charset=utf-8")


@login_required
def programme_overview(request: HttpRequest) -> HttpResponse:
    require(request.user, Capability.VIEW_ALL)
    programmes, programme, error = _choose_programme(request)
    context = {"programmes": programmes, "programme": programme, "error": error}
    if programme is not None:
        report = reports.programme_report(programme)
        context["tables"] = [
            {
                "table": table,
                "downloads": [
                    (fmt.upper(), _export_url(programme.code, table.key, fmt)) for fmt in EXPORT_FORMATS
                ],
            }
            for table in report.tables
        ]
        context["chart"] = budget_chart(
            report.years, title=_("Haushalt %(programme)s je Haushaltsjahr: Haushaltsansatz, gebunden und "
                                  "ausgezahlt") % {"programme": programme})
    return render(request, "grants/programme_overview.html", context, status=404 if error else 200)


def _export_url(code: str, table: str, fmt: str) -> str:
    return f"{reverse('grants:programme_export', args=[fmt])}?{urlencode({'programm': code, 'tabelle': table})}"


@login_required
def programme_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """`?programm=<code>&tabelle=jahre|koerperschaften|bezirke` as CSV or XLSX."""
    require(request.user, Capability.VIEW_ALL)
    if fmt not in EXPORT_FORMATS:
        return _not_found(_("Dieses Exportformat gibt es nicht. Möglich sind „csv“ und „xlsx“."))
    key = request.GET.get("tabelle", DEFAULT_TABLE)
    if key not in reports.TABLES:
        return _not_found(_("Diese Tabelle gibt es nicht. Möglich sind „jahre“, „koerperschaften“ und „bezirke“."))
    _programmes, programme, error = _choose_programme(request)
    if programme is None:
        return _not_found(error or _("Es ist noch kein Förderprogramm angelegt."))
    table = reports.TABLES[key](programme)
    writer, content_type = EXPORT_FORMATS[fmt]
    response = HttpResponse(writer(table), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{table.filename(fmt)}"'
    patch_cache_control(response, private=True, no_store=True)  # internal figures: no shared caches
    return response
