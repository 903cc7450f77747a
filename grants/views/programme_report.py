"""Programmbericht for ministry staff: per budget year and per body what was awarded, paid,
reclaimed and repaid, the proofs still outstanding and the awards by state; a chart, and
the tables as CSV or XLSX. The figures come from grants/programme_report.py."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from accounts.roles import Capability
from grants import programme_report as report
from grants import reports
from grants.views.common import require
from core import clock

ALL_TABLES = "alle"  # ?tabelle=alle: the XLSX workbook with one sheet per table


def _choose_programme(request: HttpRequest):
    """(programmes, chosen programme or None, German error or None) for `?programm=<code>`;
    without it the programme of the current period."""
    programmes = report.programmes_for_report()
    code = request.GET.get("programm", "").strip()
    if not code:
        return programmes, report.default_programme(programmes, clock.today()), None
    chosen = next((p for p in programmes if p.code == code), None)
    if chosen is None:
        return programmes, None, _("Ein Förderprogramm mit dem Kürzel „%(code)s“ gibt es nicht.") % {"code": code[:40]}
    return programmes, chosen, None


def _export_url(code: str, fmt: str, table: str) -> str:
    return (f"{reverse('grants:programme_report_export', args=[fmt])}?"
            f"{urlencode({'programm': code, 'tabelle': table})}")


def _not_found(message: str) -> HttpResponse:
    return HttpResponseNotFound(message, content_type="text/plain; charset=utf-8")


@login_required
def programme_report_view(request: HttpRequest) -> HttpResponse:
    require(request.user, Capability.VIEW_ALL)
    programmes, programme, error = _choose_programme(request)
    context = {"programmes": programmes, "programme": programme, "error": error}
    if programme is not None:
        data = report.programme_figures(programme, today=clock.today())
        context.update({
            "today": data.today,
            "tables": [
                {"table": table, "downloads": [("CSV", _export_url(programme.code, "csv", table.key)),
                                               ("XLSX", _export_url(programme.code, "xlsx", table.key))]}
                for table in report.report_tables(data)
            ],
            "workbook_url": _export_url(programme.code, "xlsx", ALL_TABLES),
            "chart": report.report_chart(data, title=_(
                "%(programme)s je Haushaltsjahr: bewilligt, ausgezahlt und zurückgefordert")
                % {"programme": programme}),
        })
    return render(request, "grants/programme_report.html", context, status=404 if error else 200)


@login_required
def programme_report_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """`?programm=<code>&tabelle=jahre|koerperschaften` as CSV or XLSX (one sheet);
    `tabelle=alle` (the XLSX default) is one workbook with a sheet per table."""
    require(request.user, Capability.VIEW_ALL)
    if fmt not in ("csv", "xlsx"):
        return _not_found(_("Dieses Exportformat gibt es nicht. Möglich sind „csv“ und „xlsx“."))
    key = request.GET.get("tabelle") or (ALL_TABLES if fmt == "xlsx" else "jahre")
    if key not in report.TABLES and not (fmt == "xlsx" and key == ALL_TABLES):
        return _not_found(_("Diese Tabelle gibt es nicht. Möglich sind „jahre“ und „koerperschaften“, "
                            "für XLSX auch „alle“."))
    _programmes, programme, error = _choose_programme(request)
    if programme is None:
        return _not_found(error or _("Es ist noch kein Förderprogramm angelegt."))
    data = report.programme_figures(programme, today=clock.today())
    if fmt == "csv":
        table = report.TABLES[key](data)
        body, content_type, filename = report.to_csv(table), reports.CSV_CONTENT_TYPE, table.filename(fmt)
    else:
        tables = report.report_tables(data) if key == ALL_TABLES else [report.TABLES[key](data)]
        filename = f"{programme.code}_programmbericht.xlsx" if key == ALL_TABLES else tables[0].filename(fmt)
        body = report.to_xlsx(tables, title=_("Programmbericht %(programme)s") % {"programme": programme})
        content_type = reports.XLSX_CONTENT_TYPE
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    patch_cache_control(response, private=True, no_store=True)  # internal figures: no shared caches
    return response
