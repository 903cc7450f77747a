"""Payment orders (Zahlungsanordnungen) for the state treasury: the released payments of one
release day, exported once as CSV and XLSX and marked with their export.

The CSV is for the treasury's import: one line per payment order and nothing else, so it
carries **no total line** (a machine would read it as one more payment). The count and the
sum travel beside it: on the page (the sum check), in the export record and as the bold
total row of the XLSX, which is meant for people.

Both files are built from the export's stored snapshot, never from the live data, so
downloading them again delivers the same bytes even after a body's name has changed; the
CSV's SHA-256 is stored and checked on every delivery.
"""

import csv
import datetime as dt
import hashlib
import io
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.roles import Capability
from audit.services import audit_log
from core.errors import DomainError
from grants.models import Disbursement, PaymentOrderExport
from core.money import ZERO, format_eur, to_money
from grants.reports import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, XLSX_MONEY_FORMAT, german_decimal
from grants.services.guards import require_capability
from grants.services.numbering import number_next
from core import clock
from core.formats import format_date

# SEPA remittance information (unstructured) holds 140 characters.
PURPOSE_MAX_LENGTH = 140
SNAPSHOT_VERSION = 1

_RELATED = ("award_year__budget", "award_year__award__application__municipality")


# -- Selection -------------------------------------------------------------------------------


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Start of `day` and of the next day in the local time zone (Europe/Berlin), aware.

    Built from the calendar days, so a day with a clock change has 23 or 25 hours."""
    zone = timezone.get_default_timezone()
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min), zone)
    end = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min), zone)
    return start, end


def payment_orders_pending(day: dt.date) -> QuerySet[Disbursement]:
    """Released (not yet booked as paid) payments released on `day` that no export holds yet."""
    start, end = day_bounds(day)
    return (Disbursement.objects
            .filter(status=Disbursement.Status.RELEASED, export__isnull=True,
                    released_at__gte=start, released_at__lt=end)
            .select_related(*_RELATED)
            .order_by("award_year__award__application__municipality__name", "released_at", "pk"))


# -- Rows --------------------------------------------------------------------------------------

# Letters (with umlauts and ß), digits, and the punctuation of the SEPA character set.
_NOT_ALLOWED = re.compile(r"[^0-9A-Za-zÄÖÜäöüß/\-?:().,'+& ]")
_SPACES = re.compile(r"\s+")


def _clean(text: str) -> str:
    """Only characters a remittance line may hold; no leading sign a spreadsheet would read
    as a formula."""
    text = _SPACES.sub(" ", _NOT_ALLOWED.sub(" ", text or "")).strip()
    return text.lstrip("+-/?:().,'& ").strip()


def purpose_line(*, title: str, file_reference: str, budget_year: int, requested_on: dt.date) -> str:
    """`WIR-Vielfaltszentrum, Zuwendung WIR-26-0001, HHJ 2026, Abruf vom 25.11.2026`, at most 140
    characters. Only the project title is shortened (at a word if possible): the file
    reference, the budget year and the date by which the treasury matches the payment stay whole."""
    # Translators: the fixed part of the payment's purpose line (SEPA, at most 140 characters).
    tail = _("Zuwendung %(reference)s, HHJ %(year)s, Abruf vom %(date)s") % {
        "reference": file_reference, "year": budget_year, "date": format_date(requested_on)}
    tail = _clean(tail)[:PURPOSE_MAX_LENGTH]
    room = PURPOSE_MAX_LENGTH - len(tail) - len(", ")
    head = _clean(title)
    if len(head) > room:
        cut = head[:max(room, 0)]
        if " " in cut and head[len(cut):len(cut) + 1] not in ("", " "):
            cut = cut.rsplit(" ", 1)[0]
        head = cut.rstrip(" ,.-/")
    return f"{head}, {tail}" if head else tail


def _row(disbursement: Disbursement) -> dict:
    application = disbursement.award_year.award.application
    year = disbursement.award_year.budget.year
    return {
        "disbursement": disbursement.pk,
        "recipient": application.municipality.name,
        "ags": application.municipality.ags,
        "file_reference": application.file_reference or "",
        "budget_year": year,
        "amount": str(to_money(disbursement.amount)),
        "purpose": purpose_line(title=application.title, file_reference=application.file_reference or "",
                                budget_year=year, requested_on=timezone.localdate(disbursement.requested_at)),
    }


@dataclass(frozen=True)
class PaymentOrderRow:
    disbursement: int
    recipient: str
    ags: str
    file_reference: str
    budget_year: int
    amount: Decimal
    purpose: str


def export_rows(export: PaymentOrderExport) -> list[PaymentOrderRow]:
    """The rows as exported, from the snapshot."""
    return [PaymentOrderRow(**{**row, "amount": Decimal(row["amount"])}) for row in export.snapshot["rows"]]


def payment_orders_preview(day: dt.date) -> list[PaymentOrderRow]:
    """What an export of `day` would contain now, row by row as the files would show it."""
    return [PaymentOrderRow(**{**row, "amount": Decimal(row["amount"])})
            for row in map(_row, payment_orders_pending(day))]


def header() -> list[str]:
    return [_("Empfänger"), _("AGS"), _("Aktenzeichen"), _("Haushaltsjahr"), _("Betrag"), _("Verwendungszweck")]


# -- Files -------------------------------------------------------------------------------------


def _csv_bytes(snapshot: dict) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(snapshot["header"])
    for row in snapshot["rows"]:
        writer.writerow([row["recipient"], row["ags"], row["file_reference"], row["budget_year"],
                         german_decimal(Decimal(row["amount"])), row["purpose"]])
    return buffer.getvalue().encode("utf-8-sig")


def export_csv(export: PaymentOrderExport) -> bytes:
    """UTF-8 with BOM, semicolons, decimal comma, no total line; exactly the bytes of the export."""
    content = _csv_bytes(export.snapshot)
    if hashlib.sha256(content).hexdigest() != export.sha256:
        raise DomainError(_("Die Datei des Exports %(number)s stimmt nicht mehr mit der gespeicherten "
                            "Prüfsumme überein. Bitte wenden Sie sich an die Programmverwaltung.")
                          % {"number": export.number})
    return content


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


def export_xlsx(export: PaymentOrderExport) -> bytes:
    """One sheet: bold header, amounts as numbers in `#,##0.00 €`, a bold total row. Stamped
    with the export's time, so every download gives the same bytes."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.writer.excel import ExcelWriter

    rows = export_rows(export)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = export.number[:31]
    stamp = export.created_at.astimezone(dt.UTC).replace(tzinfo=None, microsecond=0)
    workbook.properties.title = str(export)
    workbook.properties.creator = _("WIR-Förderverwaltung")
    workbook.properties.created = workbook.properties.modified = stamp
    bold = Font(bold=True)
    sheet.append(export.snapshot["header"])
    for cell in sheet[1]:
        cell.font = bold
    sheet["D1"].alignment = sheet["E1"].alignment = Alignment(horizontal="right")
    for row in rows:
        sheet.append([row.recipient, row.ags, row.file_reference, row.budget_year, row.amount, row.purpose])
    total_label = ngettext("Summe (%(count)s Zahlung)", "Summe (%(count)s Zahlungen)", len(rows)) % {
        "count": len(rows)}
    sheet.append([total_label, None, None, None, Decimal(export.snapshot["total"]), None])
    last = sheet.max_row
    for index in range(2, last + 1):
        for column in "ABCF":  # text stays text, whatever it starts with
            if sheet[f"{column}{index}"].value is not None:
                sheet[f"{column}{index}"].data_type = "s"
        sheet[f"E{index}"].number_format = XLSX_MONEY_FORMAT
    for cell in sheet[last]:
        cell.font = bold
    for column, width in zip("ABCDEF", (34, 11, 16, 14, 16, 90), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    archive = _FixedTimeZip(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True, fixed_time=stamp.timetuple()[:6])
    ExcelWriter(workbook, archive).save()
    return buffer.getvalue()


EXPORT_FORMATS = {
    "csv": (export_csv, CSV_CONTENT_TYPE),
    "xlsx": (export_xlsx, XLSX_CONTENT_TYPE),
}


# -- State changes -----------------------------------------------------------------------------


def payment_orders_export(*, day: dt.date, user, reexport: bool = False) -> PaymentOrderExport:
    """Export the released, not yet exported payments of `day` and mark them with the export.

    The payments are locked while they are taken, so two simultaneous exports cannot take
    the same payment: the second waits, then finds them exported and refuses.

    `reexport=True` is the explicit request to deliver the day's existing export again
    (`payment_orders_reexport`): it never creates an export and never takes new payments.
    A day with several exports is refused; the export is then chosen by its number.
    """
    require_capability(user, Capability.PREPARE_PAYMENT)
    if reexport:
        exports = list(PaymentOrderExport.objects.filter(day=day).order_by("sequence")[:2])
        if len(exports) != 1:
            message = (_("Für den %(day)s gibt es mehrere Exporte; bitte den erneut zu liefernden Export "
                         "auswählen.") if exports else
                       _("Für den %(day)s gibt es noch keinen Export, der erneut geliefert werden könnte."))
            raise DomainError(message % {"day": format_date(day)})
        return payment_orders_reexport(export=exports[0], user=user)
    with transaction.atomic():
        start, end = day_bounds(day)
        pks = list(Disbursement.objects.select_for_update()
                   .filter(status=Disbursement.Status.RELEASED, export__isnull=True,
                           released_at__gte=start, released_at__lt=end)
                   .order_by("pk").values_list("pk", flat=True))
        if not pks:
            raise DomainError(_("Für den %(day)s gibt es keine freigegebenen, noch nicht exportierten Zahlungen.")
                              % {"day": format_date(day)})
        disbursements = list(payment_orders_pending(day).filter(pk__in=pks))
        rows = [_row(disbursement) for disbursement in disbursements]
        total = sum((Decimal(row["amount"]) for row in rows), ZERO)
        snapshot = {"version": SNAPSHOT_VERSION, "header": header(), "rows": rows, "total": str(total)}
        sequence = number_next(key=f"payment-orders:{day.isoformat()}")
        export = PaymentOrderExport.objects.create(
            number=f"ZA-{day.isoformat()}-{sequence}", day=day, sequence=sequence, row_count=len(rows),
            total=total, sha256=hashlib.sha256(_csv_bytes(snapshot)).hexdigest(), snapshot=snapshot,
            created_by=user, created_at=clock.now())
        Disbursement.objects.filter(pk__in=pks).update(export=export)
        audit_log(actor=user, action="grants.payment_orders.exported", target=export,
                  data={"day": day.isoformat(), "rows": len(rows), "total": str(total),
                        "disbursements": [row["disbursement"] for row in rows], "sha256": export.sha256})
        for disbursement in disbursements:
            audit_log(actor=user, action="grants.disbursement.exported", target=disbursement,
                      changes={"export": [None, export.number]})
    return export


def payment_orders_reexport(*, export: PaymentOrderExport, user) -> PaymentOrderExport:
    """Deliver an export's rows once more, explicitly and on the record (after consulting the
    treasury). Creates nothing and marks nothing: the rows are those of `export`."""
    require_capability(user, Capability.PREPARE_PAYMENT)
    export_csv(export)  # refuses when the stored rows no longer match the checksum
    audit_log(actor=user, action="grants.payment_orders.reexported", target=export,
              data={"rows": export.row_count, "total": str(export.total), "sha256": export.sha256})
    return export


def describe_total(count: int, total: Decimal) -> str:
    """`3 Zahlungen, zusammen 125.000,50 €`: the sum check printed beside the files."""
    return ngettext("%(count)s Zahlung, zusammen %(total)s", "%(count)s Zahlungen, zusammen %(total)s",
                    count) % {"count": count, "total": format_eur(total)}
