"""The one CSV writer: UTF-8 with BOM, semicolons, CRLF, decimal commas – what German Excel opens
and the treasury's import reads."""

import csv
import io
from collections.abc import Iterable, Sequence

from grants.exports.tables import ReportTable

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


def csv_bytes(rows: Iterable[Sequence[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def table_csv(table: ReportTable, *, totals: bool = True) -> bytes:
    """Header, rows and (unless `totals` is off: a machine would read it as one more row) the sum row."""
    body = [*table.rows, *([table.totals] if totals and table.totals else [])]
    return csv_bytes([[column.label for column in table.columns], *([cell.text for cell in row] for row in body)])
