"""The work lists' one mechanism: a list declares its columns once – label, how to sort by it
in SQL, the value its export writes – and gets from that its sortable table header (links with
aria-sort), its order ("needs work first" unless a column is chosen), its search over names and
file references (`core.search`: tolerant of ß/ss, umlauts and case) and its CSV and XLSX export
of exactly the rows it shows, in the same order, over all pages.

The columns of each list are in `grants.lists.columns`; the filters (`grants.filters`) read the
`sort` and `q` parameters through `ListedFilterSet`; a view calls `export_response` before it
pages and `list_context` for the template (`grants/_list_headers.html`, `grants/_list_tools.html`).
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.contrib import messages
from django.db.models import F, QuerySet
from django.db.models.expressions import Combinable, OrderBy
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from core import clock
from core.search import FOLDINGS, fold
from grants.exports.csv_writer import CSV_CONTENT_TYPE, table_csv
from grants.exports.tables import DATE, TEXT, Column, ReportTable, cells
from grants.exports.xlsx_writer import XLSX_CONTENT_TYPE, tables_xlsx
from grants.views.common import file_response

#: The largest export: beyond it the person is asked to narrow the list (a file of more rows is
#: no longer read by anyone, and building it would hold a worker for long).
EXPORT_LIMIT = 10_000
EXPORT_FORMATS = ("csv", "xlsx")
#: Parameters that never carry over into a header's or an export's link.
_NOT_CARRIED = ("page", "export")

Expression = str | Combinable


@dataclass(frozen=True)
class ListColumn:
    """One column of a list: `key` is its value of `?sort=` (`-key` descending); `sort` the
    expressions that order by it (a field path or an SQL expression, ascending; empty values
    last either way); `value` what the export writes for a row (a Decimal for amounts, a date
    for dates, text otherwise); `kind` the export's cell type; `css` the header's class."""

    key: str
    label: str | Promise
    sort: tuple[Expression, ...]
    value: Callable[[Any], object]
    kind: str = TEXT
    css: str = ""
    #: For a list computed in Python (the deadlines): the row's sort value (None: empty, last).
    row_key: Callable[[Any], Any] | None = None


def local_date(moment: datetime | date | None) -> date | None:
    """A moment as the day it is in Germany (exports show days, as the lists do)."""
    if isinstance(moment, datetime):
        return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()
    return moment


def full_name(user) -> str:
    return user.get_full_name() if user is not None else ""


@dataclass(frozen=True)
class Listing:
    """A list's columns, its default order and what its search looks in."""

    slug: str  # the export's file name
    title: str | Promise  # the export's sheet title
    columns: tuple[ListColumn, ...]
    default_order: tuple[Expression, ...]  # "needs work first"
    default_label: str | Promise  # that order in words, for the result line and the select
    search_fields: tuple[str, ...] = ()
    #: For a list computed in Python: the texts of a row that the search looks in.
    search_texts: Callable[[Any], Iterable[str]] | None = None

    @property
    def in_database(self) -> bool:
        """Whether the database sorts and searches the list (else `order_items`, `search_items`)."""
        return self.search_texts is None

    def column(self, key: str) -> ListColumn | None:
        return next((column for column in self.columns if column.key == key), None)

    def sort_choices(self) -> list[tuple[str, str]]:
        choices = []
        for column in self.columns:
            choices.append((column.key, _("%(column)s, aufsteigend") % {"column": column.label}))
            choices.append((f"-{column.key}", _("%(column)s, absteigend") % {"column": column.label}))
        return choices

    def order(self, queryset: QuerySet, sort: str | None, default: tuple[Expression, ...] | None = None) -> QuerySet:
        """The queryset in the chosen column's order (then the default order, then by key: the
        same rows always come in the same order, page after page), or in the default order
        (`default`: a simpler one that gives the same order for the rows a filter leaves)."""
        column = self.column((sort or "").lstrip("-"))
        descending = bool(sort and sort.startswith("-"))
        chosen: list[OrderBy] = []
        if column is not None:
            for expression in column.sort:
                orderable: Any = F(expression) if isinstance(expression, str) else expression
                chosen.append(orderable.desc(nulls_last=True) if descending else orderable.asc(nulls_last=True))
        return queryset.order_by(*chosen, *(self.default_order if default is None else default), "pk")

    def order_items(self, items: list, sort: str | None) -> list:
        """A list computed in Python (already in the default order) by the chosen column; rows
        of equal value keep their default order, empty values stand last."""
        column = self.column((sort or "").lstrip("-"))
        if column is None or column.row_key is None:
            return items
        key = column.row_key
        filled = [item for item in items if key(item) is not None]
        filled.sort(key=key, reverse=bool(sort and sort.startswith("-")))
        return filled + [item for item in items if key(item) is None]

    def search_items(self, items: list, query: str | None) -> list:
        """The rows of a list computed in Python whose texts contain every word of the query in
        either spelling (`core.search.fold`): the same answers as `folded_search` in SQL."""
        if not query or self.search_texts is None:
            return items
        texts_of = self.search_texts
        words = [{spelling: fold(word, spelling) for spelling in FOLDINGS} for word in query.split()]

        def found(item) -> bool:
            texts = {spelling: [fold(text, spelling) for text in texts_of(item)] for spelling in FOLDINGS}
            return all(any(word[spelling] in text for spelling in FOLDINGS for text in texts[spelling])
                       for word in words)
        return [item for item in items if found(item)]

    def sort_label(self, sort: str | None) -> str:
        return dict(self.sort_choices()).get(sort or "", str(self.default_label))

    def headers(self, query: QueryDict, sort: str | None) -> list[dict]:
        """Per column its label, the link that sorts by it (ascending first; the sorted column's
        link turns the direction) and its aria-sort."""
        headers = []
        for column in self.columns:
            if sort == column.key:
                following, aria_sort = f"-{column.key}", "ascending"
            elif sort == f"-{column.key}":
                following, aria_sort = column.key, "descending"
            else:
                following, aria_sort = column.key, None
            headers.append({"key": column.key, "label": column.label, "css": column.css,
                            "aria_sort": aria_sort, "url": _link(query, sort=following)})
        return headers

    def table(self, rows: Sequence[Any]) -> ReportTable:
        """The rows as the export writes them: one cell per column, typed."""
        columns = [Column(str(column.label), column.kind) for column in self.columns]
        body = [cells(columns, *(column.value(row) for column in self.columns)) for row in rows]
        return ReportTable(key=self.slug, slug=self.slug, title=str(self.title)[:31], caption=str(self.title),
                           columns=columns, rows=body, totals=None)


def _link(query: QueryDict, **params: str | None) -> str:
    """The address of the list with `params` set (None: removed), without page and export."""
    changed = query.copy()
    for name in _NOT_CARRIED:
        changed.pop(name, None)
    for name, value in params.items():
        changed.pop(name, None)
        if value is not None:
            changed[name] = value
    return "?" + changed.urlencode() if changed else "?"


def list_context(request: HttpRequest, listing: Listing, filterset) -> dict:
    """What the list's templates need: the headers, the order in words, the export links."""
    sort = filterset.value("sort")
    return {
        "list_headers": listing.headers(request.GET, sort),
        "list_sort": {"value": sort or "", "label": listing.sort_label(sort), "chosen": bool(sort),
                      "error": filterset.sort_error, "default_url": _link(request.GET, sort=None)},
        "list_exports": [{"format": fmt.upper(), "url": _link(request.GET, export=fmt)} for fmt in EXPORT_FORMATS],
    }


def export_response(request: HttpRequest, listing: Listing, items: QuerySet | list, *,
                    rows: QuerySet | None = None, load: Callable[[list], list] | None = None) -> HttpResponse | None:
    """With `?export=csv` or `?export=xlsx`: the file of every row the list shows for these
    filters, in its order (None without the parameter: the view shows the list). `items` and
    `rows` as for `paginate`: the ordered rows, or the ordered keys and the rows to read them from
    – three queries at most, whatever the number of rows; or `load` turns the ordered keys (a
    list computed in Python) into the rows. An unknown format or a list longer
    than `EXPORT_LIMIT` is a message on the list."""
    fmt = request.GET.get("export")
    if fmt is None:
        return None
    back = HttpResponseRedirect(request.path + _link(request.GET))
    if fmt not in EXPORT_FORMATS:
        messages.error(request, _("Dieses Exportformat gibt es nicht; angeboten werden CSV und XLSX."))
        return back
    found = list(items[:EXPORT_LIMIT + 1])
    if len(found) > EXPORT_LIMIT:
        messages.error(request, _(
            "Die Auswahl umfasst mehr als %(limit)s Zeilen; exportiert werden höchstens %(limit)s. Bitte grenzen "
            "Sie die Liste mit den Filtern ein und exportieren Sie dann erneut.")
            % {"limit": number_format(EXPORT_LIMIT, force_grouping=True)})
        return back
    if rows is not None:
        by_key = rows.in_bulk(found)
        found = [by_key[key] for key in found if key in by_key]
    elif load is not None:
        found = load(found)
    table = listing.table(found)
    filename = f"{listing.slug}_{clock.today().isoformat()}.{fmt}"

    if fmt == "csv":
        return file_response(table_csv(table, totals=False), filename, CSV_CONTENT_TYPE)
    return file_response(tables_xlsx([table], title=str(listing.title)), filename, XLSX_CONTENT_TYPE)


__all__ = ["DATE", "EXPORT_LIMIT", "ListColumn", "Listing", "export_response", "full_name", "list_context",
           "local_date"]
