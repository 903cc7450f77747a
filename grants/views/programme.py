"""The programme pages for ministry staff: the overview (budget years, awards per body and per
Regierungsbezirk, a chart) and the Programmbericht (what became of the money per budget year
and per body), each table also as CSV or XLSX."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseNotFound
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.roles import Capability
from core import clock
from grants.charts import budget_chart
from grants.exports.csv_writer import CSV_CONTENT_TYPE, table_csv
from grants.exports.xlsx_writer import XLSX_CONTENT_TYPE, tables_xlsx
from grants.filters import RECENT_PROGRAMMES
from grants.selectors import overview, report
from grants.views.common import AuthenticatedRequest, file_response, require

FORMATS = ("csv", "xlsx")
ALL_TABLES = "alle"  # ?tabelle=alle: the report's XLSX workbook with one sheet per table


def _choose_programme(request: AuthenticatedRequest, default):
    """(programmes, chosen programme or None, German error or None) for `?programm=<code>`;
    without it `default(programmes)`."""
    programmes = overview.programmes_for_report()
    code = request.GET.get("programm", "").strip()
    if not code:
        return programmes, default(programmes), None
    chosen = next((p for p in programmes if p.code == code), None)
    if chosen is None:
        return programmes, None, _("Ein Förderprogramm mit dem Kürzel „%(code)s“ gibt es nicht.") % {"code": code[:40]}
    return programmes, chosen, None


def _offered(programmes: list, chosen) -> list:
    """The select's periods: the newest (a state gathers hundreds), and the chosen one if older.
    Any period is reached by its code in the address (`?programm=`)."""
    offered = programmes[:RECENT_PROGRAMMES]
    return offered if chosen is None or chosen in offered else [*offered, chosen]


def _export_url(name: str, code: str, fmt: str, table: str) -> str:
    return f"{reverse(name, args=[fmt])}?{urlencode({'programm': code, 'tabelle': table})}"


def _not_found(message: str) -> HttpResponse:
    return HttpResponseNotFound(message, content_type="text/plain; charset=utf-8")


def _downloads(name: str, code: str, key: str) -> list[tuple[str, str]]:
    return [(fmt.upper(), _export_url(name, code, fmt, key)) for fmt in FORMATS]


# -- Programmübersicht -------------------------------------------------------------------------------


@login_required
def programme_overview(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, Capability.VIEW_ALL)
    programmes, programme, error = _choose_programme(request, overview.default_programme)
    context = {"programmes": _offered(programmes, programme), "programme": programme, "error": error}
    if programme is not None:
        figures = overview.programme_overview(programme)
        context["tables"] = [{"table": table, "downloads": _downloads("grants:programme_export", programme.code,
                                                                      table.key)}
                             for table in figures.tables]
        context["chart"] = budget_chart(
            figures.years, title=_("Haushalt %(programme)s je Haushaltsjahr: Haushaltsansatz, gebunden und "
                                   "ausgezahlt") % {"programme": programme})
    return render(request, "grants/programme_overview.html", context, status=404 if error else 200)


@login_required
def programme_export(request: AuthenticatedRequest, fmt: str) -> HttpResponse:
    """`?programm=<code>&tabelle=jahre|koerperschaften|bezirke` as CSV or XLSX."""
    require(request.user, Capability.VIEW_ALL)
    if fmt not in FORMATS:
        return _not_found(_("Dieses Exportformat gibt es nicht. Möglich sind „csv“ und „xlsx“."))
    key = request.GET.get("tabelle", "jahre")
    if key not in overview.TABLES:
        return _not_found(_("Diese Tabelle gibt es nicht. Möglich sind „jahre“, „koerperschaften“ und „bezirke“."))
    _programmes, programme, error = _choose_programme(request, overview.default_programme)
    if programme is None:
        return _not_found(error or _("Es ist noch kein Förderprogramm angelegt."))
    table = overview.TABLES[key](programme)
    if fmt == "csv":
        return file_response(table_csv(table), table.filename(fmt), CSV_CONTENT_TYPE)
    return file_response(tables_xlsx([table], title=f"{programme} – {table.title}"), table.filename(fmt),
                         XLSX_CONTENT_TYPE)


# -- Programmbericht ---------------------------------------------------------------------------------


def _current_programme(programmes):
    return report.default_programme(programmes, clock.today())


@login_required
def programme_report_view(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, Capability.VIEW_ALL)
    programmes, programme, error = _choose_programme(request, _current_programme)
    context = {"programmes": _offered(programmes, programme), "programme": programme, "error": error}
    if programme is not None:
        data = report.programme_figures(programme, today=clock.today())
        context.update({
            "today": data.today,
            "tables": [{"table": table, "downloads": _downloads("grants:programme_report_export", programme.code,
                                                                table.key)}
                       for table in report.report_tables(data)],
            "workbook_url": _export_url("grants:programme_report_export", programme.code, "xlsx", ALL_TABLES),
            "chart": report.report_chart(data, title=_(
                "%(programme)s je Haushaltsjahr: bewilligt, ausgezahlt und zurückgefordert")
                % {"programme": programme}),
        })
    return render(request, "grants/programme_report.html", context, status=404 if error else 200)


@login_required
def programme_report_export(request: AuthenticatedRequest, fmt: str) -> HttpResponse:
    """`?programm=<code>&tabelle=jahre|koerperschaften` as CSV or XLSX (one sheet);
    `tabelle=alle` (the XLSX default) is one workbook with a sheet per table."""
    require(request.user, Capability.VIEW_ALL)
    if fmt not in FORMATS:
        return _not_found(_("Dieses Exportformat gibt es nicht. Möglich sind „csv“ und „xlsx“."))
    key = request.GET.get("tabelle") or (ALL_TABLES if fmt == "xlsx" else "jahre")
    if key not in report.TABLES and not (fmt == "xlsx" and key == ALL_TABLES):
        return _not_found(_("Diese Tabelle gibt es nicht. Möglich sind „jahre“ und „koerperschaften“, "
                            "für XLSX auch „alle“."))
    _programmes, programme, error = _choose_programme(request, _current_programme)
    if programme is None:
        return _not_found(error or _("Es ist noch kein Förderprogramm angelegt."))
    data = report.programme_figures(programme, today=clock.today())
    if fmt == "csv":
        table = report.TABLES[key](data)
        return file_response(table_csv(table), table.filename(fmt), CSV_CONTENT_TYPE)
    tables = report.report_tables(data) if key == ALL_TABLES else [report.TABLES[key](data)]
    filename = f"{programme.code}_programmbericht.xlsx" if key == ALL_TABLES else tables[0].filename(fmt)
    body = tables_xlsx(tables, title=_("Programmbericht %(programme)s") % {"programme": programme})
    return file_response(body, filename, XLSX_CONTENT_TYPE)
