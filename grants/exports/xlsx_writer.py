"""The one XLSX writer: a sheet per table with a bold header, real numbers in euro and percent
formats, text kept as text (never a formula), a bold sum row, sensible widths and a frozen
header. With `created`, the workbook is stamped with that moment throughout, so the same
tables give the same bytes (a payment order delivered again is the same file)."""

import datetime as dt
import io
import zipfile
from decimal import Decimal

from django.utils.translation import gettext as _

from grants.exports.tables import DATE, MONEY, NUMERIC_KINDS, PERCENT, Cell, ReportTable

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_MONEY_FORMAT = "#,##0.00 €"
XLSX_PERCENT_FORMAT = "0.0 %"
XLSX_DATE_FORMAT = "DD.MM.YYYY"


def _value(cell: Cell):
    if cell.value is None or cell.value == "":
        return None
    if cell.kind == PERCENT:
        assert isinstance(cell.value, Decimal)  # a share, rounded to a Decimal
        return cell.value / 100  # a Decimal fraction, shown by the percent format
    if cell.kind in NUMERIC_KINDS or (cell.kind == DATE and isinstance(cell.value, dt.date)):
        return cell.value
    return str(cell.value)


class _FixedTimeZip(zipfile.ZipFile):
    """Every member stamped with one time, so the same workbook gives the same bytes."""

    def __init__(self, *args, fixed_time: tuple, **kwargs):
        super().__init__(*args, **kwargs)
        self.fixed_time = fixed_time

    def writestr(self, zinfo_or_arcname, data, *args, **kwargs):
        if isinstance(zinfo_or_arcname, str):
            zinfo_or_arcname = zipfile.ZipInfo(zinfo_or_arcname, date_time=self.fixed_time)
            zinfo_or_arcname.compress_type = zipfile.ZIP_DEFLATED
        return super().writestr(zinfo_or_arcname, data, *args, **kwargs)

    def write(self, filename, arcname=None, *args, **kwargs):
        # openpyxl writes each worksheet from a temporary file, which would carry its mtime.
        with open(filename, "rb") as source:
            return self.writestr(arcname or str(filename), source.read())


def tables_xlsx(tables: list[ReportTable], *, title: str, created: dt.datetime | None = None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.writer.excel import ExcelWriter

    workbook = Workbook()
    workbook.remove(workbook.active)
    workbook.properties.title = title
    workbook.properties.creator = _("WIR-Förderverwaltung")
    stamp = None
    if created is not None:
        stamp = created.astimezone(dt.UTC).replace(tzinfo=None, microsecond=0)
        workbook.properties.created = workbook.properties.modified = stamp
    bold = Font(bold=True)
    for table in tables:
        sheet = workbook.create_sheet(table.title[:31])
        sheet.append([column.label for column in table.columns])
        for cell, column in zip(sheet[1], table.columns, strict=True):
            cell.font = bold
            if column.numeric:
                cell.alignment = Alignment(horizontal="right")
        body = [*table.rows, *([table.totals] if table.totals else [])]
        for index, row in enumerate(body, start=2):
            sheet.append([_value(cell) for cell in row])
            for target, cell in zip(sheet[index], row, strict=True):
                if cell.kind == MONEY:
                    target.number_format = XLSX_MONEY_FORMAT
                elif cell.kind == PERCENT:
                    target.number_format = XLSX_PERCENT_FORMAT
                elif cell.kind == DATE and isinstance(cell.value, dt.date):
                    target.number_format = XLSX_DATE_FORMAT
                elif not cell.numeric and target.value is not None:
                    target.data_type = "s"  # text stays text, whatever it starts with
                if table.totals is not None and row is table.totals:
                    target.font = bold
        for position, column in enumerate(table.columns):
            width = column.width
            if width is None:
                longest = max([len(column.label)] + [len(row[position].display) for row in body])
                width = min(max(longest + 3, 10), 60)
            sheet.column_dimensions[get_column_letter(position + 1)].width = width
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    if stamp is None:
        workbook.save(buffer)
    else:
        archive = _FixedTimeZip(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True,
                                fixed_time=stamp.timetuple()[:6])
        ExcelWriter(workbook, archive).save()
    return buffer.getvalue()
