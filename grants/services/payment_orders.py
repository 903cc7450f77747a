"""Payment orders (Zahlungsanordnungen) for the state treasury: the released payments of one
release day, exported once as CSV and XLSX and marked with their export.

The CSV is for the treasury's import: one line per payment order and nothing else, so it
carries **no total line** (a machine would read it as one more payment). The count and the
sum travel beside it: on the page (the sum check), in the export record and as the bold
total row of the XLSX, which is meant for people.

Both files are built from the export's stored snapshot, never from the live data, so
downloading them again delivers the same bytes even after a body's name has changed; the
CSV's SHA-256 is stored and checked on every delivery.

Snapshot version 2 (from issue 10 on) carries per payment the legal payee (the body acting
through its Kreisausschuss / Magistrat), the treasury's account holder, IBAN and BIC, the
Kassenzeichen (`<Aktenzeichen>-Z<payment number>`, see `grants.selectors.payments.kassenzeichen`)
and the Haushaltsstelle (Kapitel/Titel of the programme). Exports of version 1 keep their six
columns and their bytes: each version is rendered with its own layout. An export is refused
while a payee lacks valid bank details.

Beside CSV and XLSX each export of version 2 gets a SEPA credit transfer file (pain.001.001.09,
`grants.exports.sepa`, written by sepaxml) for the treasury's bank: made with the export when the
paying account is configured (`SEPA_DEBTOR_NAME`, `SEPA_DEBTOR_IBAN`, `SEPA_DEBTOR_BIC`), else
later on request (`payment_order_sepa_create`), in both cases from the export's snapshot. Its
bytes, their SHA-256, the paying account and the execution date are stored in a
`PaymentOrderSepaFile` and delivered unchanged; the creation time in the file is the time it was
made. Message id `ZA-…` (the export number), payment information id `ZA-…-1`, end-to-end id the
Kassenzeichen. Without a valid paying account the SEPA file is refused with a message naming the
variables; the export itself, CSV and XLSX go on as before.
"""

import datetime as dt
import hashlib
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from audit.services import audit_log
from core import banking, clock
from core.errors import DomainError
from core.formats import format_date
from core.money import ZERO, format_eur
from grants.exports import sepa
from grants.exports.csv_writer import CSV_CONTENT_TYPE, table_csv
from grants.exports.tables import COUNT, MONEY, TEXT, Column, ReportTable, cells
from grants.exports.xlsx_writer import XLSX_CONTENT_TYPE, tables_xlsx
from grants.models import Disbursement, PaymentOrderExport, PaymentOrderSepaFile
from grants.policies import check, may_payment_orders_export, refuse_missing_bank_details
from grants.policies.sepa import refuse_sepa_debtor, refuse_sepa_file_exists, refuse_sepa_snapshot
from grants.selectors.payments import day_bounds, payment_order_row, payment_orders_pending
from grants.services.numbering import number_next

SNAPSHOT_VERSION = 2


def header() -> list[str]:
    return [_("Zahlungsempfänger"), _("Kontoinhaber"), _("IBAN"), _("BIC"), _("Kassenzeichen"), _("Haushaltsstelle"),
            _("Haushaltsjahr"), _("AGS"), _("Aktenzeichen"), _("Betrag"), _("Verwendungszweck")]


# -- Files -------------------------------------------------------------------------------------

# Per snapshot version: column kinds, XLSX widths (characters; the purpose line holds up to 140),
# a row's values and the position of the amount (for the sum row).
_LAYOUTS = {
    1: ((TEXT, TEXT, TEXT, COUNT, MONEY, TEXT), (34, 11, 16, 14, 16, 90),
        lambda row: (row["recipient"], row["ags"], row["file_reference"], row["budget_year"],
                     Decimal(row["amount"]), row["purpose"]), 4),
    2: ((TEXT, TEXT, TEXT, TEXT, TEXT, TEXT, COUNT, TEXT, TEXT, MONEY, TEXT),
        (44, 44, 27, 13, 22, 26, 14, 11, 16, 16, 90),
        lambda row: (row["payee"], row["account_holder"], row["iban"], row["bic"], row["kassenzeichen"],
                     row["budget_line"], row["budget_year"], row["ags"], row["file_reference"],
                     Decimal(row["amount"]), row["purpose"]), 9),
}


def _table(export_number: str, snapshot: dict) -> ReportTable:
    """The export's rows, from its stored snapshot, in the layout of its version, with the sum row people read."""
    kinds, widths, values, amount_at = _LAYOUTS[snapshot.get("version", 1)]
    columns = [Column(label, kind, width) for label, kind, width in zip(snapshot["header"], kinds, widths,
                                                                        strict=True)]
    rows = snapshot["rows"]
    total_label = ngettext("Summe (%(count)s Zahlung)", "Summe (%(count)s Zahlungen)", len(rows)) % {
        "count": len(rows)}
    totals: list = [None] * len(columns)
    totals[0], totals[amount_at] = total_label, Decimal(snapshot["total"])
    return ReportTable(
        key="zahlungsanordnungen", slug=export_number, title=export_number, caption=export_number, columns=columns,
        rows=[cells(columns, *values(row)) for row in rows],
        totals=cells(columns, *totals),
    )


def _csv_bytes(snapshot: dict) -> bytes:
    """The CSV is for the treasury's import: no sum row (a machine would read it as one more payment)."""
    return table_csv(_table("", snapshot), totals=False)


def export_csv(export: PaymentOrderExport) -> bytes:
    """UTF-8 with BOM, semicolons, decimal comma, no total line; exactly the bytes of the export."""
    content = _csv_bytes(export.snapshot)
    if hashlib.sha256(content).hexdigest() != export.sha256:
        raise DomainError(_("Die Datei des Exports %(number)s stimmt nicht mehr mit der gespeicherten "
                            "Prüfsumme überein. Bitte wenden Sie sich an die Programmverwaltung.")
                          % {"number": export.number})
    return content


def export_xlsx(export: PaymentOrderExport) -> bytes:
    """One sheet: bold header, amounts as numbers in `#,##0.00 €`, a bold total row. Stamped
    with the export's time, so every download gives the same bytes."""
    return tables_xlsx([_table(export.number, export.snapshot)], title=str(export), created=export.created_at)


def sepa_file_of(export: PaymentOrderExport) -> PaymentOrderSepaFile | None:
    return PaymentOrderSepaFile.objects.filter(export=export).first()


def export_sepa(export: PaymentOrderExport) -> bytes:
    """The SEPA credit transfer file (pain.001.001.09), exactly the bytes made for the export."""
    sepa_file = sepa_file_of(export)
    if sepa_file is None:
        refusal = refuse_sepa_snapshot(export) or refuse_sepa_debtor()
        raise DomainError(refusal.reason if refusal else _(
            "Für den Export %(number)s gibt es noch keine SEPA-Datei. Sie lässt sich auf der Seite des Exports "
            "mit „SEPA-Datei erstellen“ aus den exportierten Zeilen erstellen.") % {"number": export.number})
    content = bytes(sepa_file.content)
    if hashlib.sha256(content).hexdigest() != sepa_file.sha256:
        raise DomainError(_("Die SEPA-Datei des Exports %(number)s stimmt nicht mehr mit der gespeicherten "
                            "Prüfsumme überein. Bitte wenden Sie sich an die Programmverwaltung.")
                          % {"number": export.number})
    return content


EXPORT_FORMATS = {
    "csv": (export_csv, CSV_CONTENT_TYPE),
    "xlsx": (export_xlsx, XLSX_CONTENT_TYPE),
    "xml": (export_sepa, sepa.SEPA_CONTENT_TYPE),
}


def _sepa_transfer(row: dict) -> sepa.Transfer:
    """One snapshot row as a credit transfer: the legal payee in the SEPA character set (at most
    70 characters), the Kassenzeichen as end-to-end id, the purpose line (with Aktenzeichen and
    budget year) as remittance information (at most 140 characters)."""
    payee = sepa.Account(name=sepa.shorten_front(sepa.sepa_text(row["payee"]), sepa.NAME_MAX_LENGTH),
                         iban=banking.compact(row["iban"]), bic=banking.compact(row["bic"]))
    return sepa.Transfer(
        payee=payee, amount=Decimal(row["amount"]),
        end_to_end_id=sepa.reference(row["kassenzeichen"], keep_tail=f"-Z{row['disbursement']:06d}"),
        remittance=sepa.shorten_back(sepa.sepa_text(row["purpose"]), sepa.REMITTANCE_MAX_LENGTH))


def _sepa_file_make(*, export: PaymentOrderExport, user, at) -> PaymentOrderSepaFile:
    """Build the file from the export's snapshot and the configured paying account, store it.
    Called inside the caller's transaction, after the guards."""
    debtor = sepa.Account(
        name=sepa.shorten_front(sepa.sepa_text(settings.SEPA_DEBTOR_NAME), sepa.NAME_MAX_LENGTH),
        iban=banking.compact(settings.SEPA_DEBTOR_IBAN), bic=banking.compact(settings.SEPA_DEBTOR_BIC))
    transfers = [_sepa_transfer(row) for row in export.snapshot["rows"]]
    if sum((transfer.amount for transfer in transfers), ZERO) != export.total or len(transfers) != export.row_count:
        raise DomainError(_("Die Zeilen des Exports %(number)s ergeben nicht seine Summe; eine SEPA-Datei wird nicht "
                            "erstellt. Bitte wenden Sie sich an die Programmverwaltung.") % {"number": export.number})
    message_id = sepa.reference(export.number)
    payment_info_id = sepa.reference(f"{export.number}-1")
    execution_date = sepa.target_business_day(timezone.localdate(at))
    try:
        content = sepa.credit_transfer_xml(
            debtor=debtor, transfers=transfers, message_id=message_id, payment_info_id=payment_info_id,
            created_at=timezone.localtime(at), execution_date=execution_date)
    except sepa.SchemaError as error:
        raise DomainError(_("Die SEPA-Datei des Exports %(number)s entspricht nicht dem Schema %(schema)s "
                            "(%(error)s); sie wird nicht erstellt.")
                          % {"number": export.number, "schema": sepa.SCHEMA, "error": error}) from error
    return PaymentOrderSepaFile.objects.create(
        export=export, schema=sepa.SCHEMA, message_id=message_id, payment_info_id=payment_info_id,
        debtor_name=debtor.name, debtor_iban=debtor.iban, debtor_bic=debtor.bic, execution_date=execution_date,
        content=content, sha256=hashlib.sha256(content).hexdigest(), created_by=user, created_at=at)


def sepa_unavailable(export: PaymentOrderExport, sepa_file: PaymentOrderSepaFile | None) -> tuple[str, bool]:
    """For the export's page: why there is no SEPA file (empty when there is one) and whether
    „SEPA-Datei erstellen“ is offered (it is, also disabled with the reason, while only the
    configuration is missing)."""
    if sepa_file is not None:
        return "", False
    if refusal := refuse_sepa_snapshot(export):
        return refusal.reason, False
    if refusal := refuse_sepa_debtor():
        return refusal.reason, True
    return _("Zu diesem Export gibt es noch keine SEPA-Datei: Er wurde erstellt, als das Auftraggeberkonto noch "
             "nicht eingerichtet war oder es SEPA-Dateien noch nicht gab. Sie lässt sich jetzt einmalig aus den "
             "exportierten Zeilen erstellen."), True


# -- State changes -----------------------------------------------------------------------------


def payment_orders_export(*, day: dt.date, user, reexport: bool = False) -> PaymentOrderExport:
    """Export the released, not yet exported payments of `day` and mark them with the export.

    The payments are locked while they are taken, so two simultaneous exports cannot take
    the same payment: the second waits, then finds them exported and refuses.

    `reexport=True` is the explicit request to deliver the day's existing export again
    (`payment_orders_reexport`): it never creates an export and never takes new payments.
    A day with several exports is refused; the export is then chosen by its number.
    """
    check(may_payment_orders_export(user))
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
        bodies = {d.award_year.award.application.municipality_id: d.award_year.award.application.municipality
                  for d in disbursements}
        check(refuse_missing_bank_details(sorted(bodies.values(), key=lambda body: body.name)))
        rows = [payment_order_row(disbursement) for disbursement in disbursements]
        total = sum((Decimal(row["amount"]) for row in rows), ZERO)
        snapshot = {"version": SNAPSHOT_VERSION, "header": header(), "rows": rows, "total": str(total)}
        sequence = number_next(key=f"payment-orders:{day.isoformat()}")
        export = PaymentOrderExport.objects.create(
            number=f"ZA-{day.isoformat()}-{sequence}", day=day, sequence=sequence, row_count=len(rows),
            total=total, sha256=hashlib.sha256(_csv_bytes(snapshot)).hexdigest(), snapshot=snapshot,
            created_by=user, created_at=clock.now())
        Disbursement.objects.filter(pk__in=pks).update(export=export)
        sepa_file = _sepa_file_with_export(export=export, user=user)
        audit_log(actor=user, action="grants.payment_orders.exported", target=export,
                  data={"day": day.isoformat(), "rows": len(rows), "total": str(total),
                        "disbursements": [row["disbursement"] for row in rows], "sha256": export.sha256,
                        "sepa_sha256": sepa_file.sha256 if sepa_file else None})
        for disbursement in disbursements:
            audit_log(actor=user, action="grants.disbursement.exported", target=disbursement,
                      changes={"export": [None, export.number]})
    return export


def _sepa_file_with_export(*, export: PaymentOrderExport, user) -> PaymentOrderSepaFile | None:
    """The SEPA file made with a new export, when the paying account is configured. Without it
    (or should the file be refused) the export goes on with CSV and XLSX; its page says why
    there is no SEPA file and offers to make it later."""
    if refuse_sepa_debtor() or refuse_sepa_snapshot(export):
        return None
    try:
        with transaction.atomic():
            return _sepa_file_make(export=export, user=user, at=export.created_at)
    except DomainError:
        return None


def payment_order_sepa_create(*, export: PaymentOrderExport, user) -> PaymentOrderSepaFile:
    """Make the SEPA file of an export that has none yet (made before the paying account was
    configured, or before this file existed), from its snapshot; once, and on the record."""
    check(may_payment_orders_export(user))
    check(refuse_sepa_snapshot(export) or refuse_sepa_debtor())
    export_csv(export)  # refuses when the stored rows no longer match the checksum
    try:
        with transaction.atomic():
            export = PaymentOrderExport.objects.select_for_update().get(pk=export.pk)
            check(refuse_sepa_file_exists(export))
            sepa_file = _sepa_file_make(export=export, user=user, at=clock.now())
            audit_log(actor=user, action="grants.payment_orders.sepa_created", target=export,
                      data={"message_id": sepa_file.message_id, "sha256": sepa_file.sha256,
                            "schema": sepa_file.schema, "debtor_iban": sepa_file.debtor_iban,
                            "execution_date": sepa_file.execution_date.isoformat(),
                            "rows": export.row_count, "total": str(export.total)})
    except IntegrityError:  # made by someone else at the same moment
        check(refuse_sepa_file_exists(export))
        raise
    return sepa_file


def payment_orders_reexport(*, export: PaymentOrderExport, user) -> PaymentOrderExport:
    """Deliver an export's rows once more, explicitly and on the record (after consulting the
    treasury). Creates nothing and marks nothing: the rows are those of `export`, the SEPA file
    (where there is one) the one made with it."""
    check(may_payment_orders_export(user))
    export_csv(export)  # refuses when the stored rows no longer match the checksum
    sepa_file = sepa_file_of(export)
    if sepa_file is not None:
        export_sepa(export)  # … and when the SEPA file no longer matches its checksum
    audit_log(actor=user, action="grants.payment_orders.reexported", target=export,
              data={"rows": export.row_count, "total": str(export.total), "sha256": export.sha256,
                    "sepa_sha256": sepa_file.sha256 if sepa_file else None})
    return export


def describe_total(count: int, total: Decimal) -> str:
    """`3 Zahlungen, zusammen 125.000,50 €`: the sum check printed beside the files."""
    return ngettext("%(count)s Zahlung, zusammen %(total)s", "%(count)s Zahlungen, zusammen %(total)s",
                    count) % {"count": count, "total": format_eur(total)}
