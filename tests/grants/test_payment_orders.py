"""Payment orders for the state treasury (grants/services/payment_orders.py): which payments
an export takes, the files it writes, that it marks them once, explicit re-export, and that
an export never changes."""

import csv
import hashlib
import io
import zipfile
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import User
from accounts.roles import Role
from audit.models import AuditEntry
from audit.selectors import audit_entries_for
from audit.services import audit_log
from core import clock
from core.errors import DomainError, NotPermitted
from core.money import to_money
from grants.models import Disbursement, FundingProgramme, IssuedRecordError, PaymentOrderExport
from grants.selectors.payments import PURPOSE_MAX_LENGTH, export_rows, payment_orders_preview, purpose_line
from grants.services.disbursements import (
    disbursement_book,
    disbursement_prepare,
    disbursement_release,
    disbursement_request,
)
from grants.services.payment_orders import (
    export_csv,
    export_xlsx,
    payment_orders_export,
    payment_orders_reexport,
)
from municipalities.models import Municipality
from tests import factories
from tests.concurrency import run_together, slowed

BERLIN = ZoneInfo("Europe/Berlin")
DAY = date(2026, 11, 25)
NOTHING = "Für den 25.11.2026 gibt es keine freigegebenen, noch nicht exportierten Zahlungen."
HEADER = ["Zahlungsempfänger", "Kontoinhaber", "IBAN", "BIC", "Kassenzeichen", "Haushaltsstelle", "Haushaltsjahr",
          "AGS", "Aktenzeichen", "Betrag", "Verwendungszweck"]
HEADER_V1 = ["Empfänger", "AGS", "Aktenzeichen", "Haushaltsjahr", "Betrag", "Verwendungszweck"]
# The TEST IBANs of the repository's list (bank code 12345678, account = AGS digits 3–8 + "00").
IBAN_WMK = "DE65123456780063600000"
IBAN_HTK = "DE08123456780043400000"
PURPOSE_HEAD = "WIR Vielfalt und Teilhabe, WIR-Vielfaltszentrum"


def berlin(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=BERLIN)


def released_payment(award, coordinator, clerk, approver, amount: str, *, at: datetime, year: int = 2026,
                     requested: datetime | None = None) -> Disbursement:
    """Requested (by default on 20.11.2026), prepared and released at `at`."""
    with clock.frozen_at(requested or berlin(date(2026, 11, 20), 10)):
        disbursement = disbursement_request(award=award, year=year, amount=Decimal(amount), user=coordinator)
    disbursement_prepare(disbursement=disbursement, user=clerk, now=at)
    return disbursement_release(disbursement=disbursement, user=approver, now=at)


@dataclass
class Scenario:
    award_a: object
    award_b: object
    a_first: Disbursement  # Werra-Meißner-Kreis, 40.000,00 €, 25.11. 09:00
    a_second: Disbursement  # Werra-Meißner-Kreis, 8.123,45 €, HHJ 2027, 25.11. 00:30 (just after midnight)
    b: Disbursement  # Hochtaunuskreis, 25.000,50 €, 25.11. 23:59
    others: list  # not to be exported on 25.11.


def build_scenario(programme, coordinator_a, coordinator_b, clerk, approver) -> Scenario:
    award_a = factories.approved_award(programme, coordinator_a, clerk, approver)
    award_b = factories.approved_award(programme, coordinator_b, clerk, approver)
    a_first = released_payment(award_a, coordinator_a, clerk, approver, "40000.00", at=berlin(DAY, 9))
    a_second = released_payment(award_a, coordinator_a, clerk, approver, "8123.45", at=berlin(DAY, 0, 30),
                                year=2027, requested=berlin(date(2026, 11, 24), 16))
    b = released_payment(award_b, coordinator_b, clerk, approver, "25000.50", at=berlin(DAY, 23, 59))
    # Not on the 25th in Berlin: the last minute of the 24th and the first minute of the 26th.
    day_before = released_payment(award_a, coordinator_a, clerk, approver, "1000.00",
                                  at=berlin(date(2026, 11, 24), 23, 59))
    day_after = released_payment(award_b, coordinator_b, clerk, approver, "2000.00",
                                 at=berlin(date(2026, 11, 26), 0, 0))
    # Released on the 25th but already booked as paid: the treasury has paid it.
    booked = released_payment(award_b, coordinator_b, clerk, approver, "3000.00", at=berlin(DAY, 8))
    with clock.frozen_at(berlin(DAY, 12)):
        disbursement_book(disbursement=booked, user=clerk, paid_on=DAY, payment_reference="LHK-2026-4711")
    # Only prepared: not released yet.
    with clock.frozen_at(berlin(DAY, 10)):
        prepared = disbursement_request(award=award_a, year=2026, amount=Decimal("4000.00"), user=coordinator_a)
    disbursement_prepare(disbursement=prepared, user=clerk, now=berlin(DAY, 11))
    return Scenario(award_a, award_b, a_first, a_second, b, [day_before, day_after, booked, prepared])


@pytest.fixture
def scenario(programme, coordinator_a, coordinator_b, clerk, approver):
    return build_scenario(programme, coordinator_a, coordinator_b, clerk, approver)


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=";"))


# -- What an export takes ---------------------------------------------------------------------


def test_export_takes_released_unexported_payments_of_the_berlin_day_with_hand_computed_total(scenario, clerk):
    export = payment_orders_export(day=DAY, user=clerk)

    assert export.number == "ZA-2026-11-25-1"
    assert (export.day, export.sequence, export.row_count) == (DAY, 1, 3)
    assert export.total == Decimal("73123.95")  # 25.000,50 + 40.000,00 + 8.123,45
    assert export.created_by == clerk
    assert set(Disbursement.objects.filter(export=export)) == {scenario.a_first, scenario.a_second, scenario.b}
    assert all(d.export_id is None for d in Disbursement.objects.filter(pk__in=[o.pk for o in scenario.others]))


def test_export_rows_carry_recipient_ags_reference_year_amount_and_purpose(scenario, clerk):
    ref_a = scenario.award_a.application.file_reference
    ref_b = scenario.award_b.application.file_reference

    rows = export_rows(payment_orders_export(day=DAY, user=clerk))

    assert [(r.recipient, r.ags, r.file_reference, r.budget_year, r.amount, r.purpose) for r in rows] == [
        ("Hochtaunuskreis", "06434000", ref_b, 2026, Decimal("25000.50"),
         f"{PURPOSE_HEAD} Hochtaunuskreis, Zuwendung {ref_b}, HHJ 2026, Abruf vom 20.11.2026"),
        ("Werra-Meißner-Kreis", "06636000", ref_a, 2027, Decimal("8123.45"),
         f"{PURPOSE_HEAD} Werra-Meißner-Kreis, Zuwendung {ref_a}, HHJ 2027, Abruf vom 24.11.2026"),
        ("Werra-Meißner-Kreis", "06636000", ref_a, 2026, Decimal("40000.00"),
         f"{PURPOSE_HEAD} Werra-Meißner-Kreis, Zuwendung {ref_a}, HHJ 2026, Abruf vom 20.11.2026"),
    ]
    assert all(len(r.purpose) <= 140 for r in rows)


def test_export_rows_carry_payee_bank_details_kassenzeichen_and_budget_line(scenario, programme, clerk):
    FundingProgramme.objects.filter(pk=programme.pk).update(budget_chapter="08 02", budget_title="633 51")
    ref_a = scenario.award_a.application.file_reference
    ref_b = scenario.award_b.application.file_reference

    rows = export_rows(payment_orders_export(day=DAY, user=clerk))

    assert [(r.payee, r.account_holder, r.iban, r.bic, r.kassenzeichen, r.budget_line) for r in rows] == [
        ("Kreisausschuss des Hochtaunuskreises", "Kreiskasse des Hochtaunuskreises", IBAN_HTK, "TESTDEFFXXX",
         f"{ref_b}-Z{scenario.b.pk:06d}", "Kapitel 08 02, Titel 633 51"),
        ("Kreisausschuss des Werra-Meißner-Kreises", "Kreiskasse des Werra-Meißner-Kreises", IBAN_WMK, "TESTDEFFXXX",
         f"{ref_a}-Z{scenario.a_second.pk:06d}", "Kapitel 08 02, Titel 633 51"),
        ("Kreisausschuss des Werra-Meißner-Kreises", "Kreiskasse des Werra-Meißner-Kreises", IBAN_WMK, "TESTDEFFXXX",
         f"{ref_a}-Z{scenario.a_first.pk:06d}", "Kapitel 08 02, Titel 633 51"),
    ]
    assert len({r.kassenzeichen for r in rows}) == 3


def test_export_is_refused_while_a_payee_has_no_valid_bank_details(scenario, clerk):
    Municipality.objects.filter(name="Hochtaunuskreis").update(iban="DE08123456780043400001")  # checksum broken

    with pytest.raises(DomainError) as error:
        payment_orders_export(day=DAY, user=clerk)

    assert "Für die Zahlungsanordnung fehlt eine gültige Bankverbindung des Zahlungsempfängers" in error.value.message
    assert "Kreisausschuss des Hochtaunuskreises: Die Prüfziffern der IBAN stimmen nicht" in error.value.message
    assert "Werra-Meißner" not in error.value.message
    assert not PaymentOrderExport.objects.exists()
    assert not Disbursement.objects.filter(export__isnull=False).exists()


def test_export_is_refused_when_a_payee_has_no_iban_at_all(scenario, clerk):
    Municipality.objects.filter(name="Werra-Meißner-Kreis").update(iban="")

    with pytest.raises(DomainError, match="Kreisausschuss des Werra-Meißner-Kreises: IBAN fehlt"):
        payment_orders_export(day=DAY, user=clerk)
    assert not PaymentOrderExport.objects.exists()


def test_preparing_a_payment_is_refused_without_valid_bank_details(programme, coordinator_a, clerk, approver):
    award = factories.approved_award(programme, coordinator_a, clerk, approver)
    with clock.frozen_at(berlin(date(2026, 11, 20), 10)):
        disbursement = disbursement_request(award=award, year=2026, amount=Decimal("100.00"), user=coordinator_a)
    Municipality.objects.filter(pk=coordinator_a.municipality_id).update(bic="")

    with pytest.raises(DomainError, match="BIC fehlt"):
        disbursement_prepare(disbursement=disbursement, user=clerk, now=berlin(DAY, 9))
    disbursement.refresh_from_db()
    assert disbursement.status == Disbursement.Status.REQUESTED


def test_an_export_made_before_the_bank_details_keeps_its_six_columns_and_bytes(clerk):
    """Exports are immutable: one of snapshot version 1 is delivered with its own layout, unchanged."""
    snapshot = {"version": 1, "header": HEADER_V1, "total": "100.00", "rows": [{
        "disbursement": 1, "recipient": "Werra-Meißner-Kreis", "ags": "06636000", "file_reference": "WIR-21-0001",
        "budget_year": 2021, "amount": "100.00", "purpose": "WIR-Vielfaltszentrum, Zuwendung WIR-21-0001"}]}
    expected = ("\ufeffEmpfänger;AGS;Aktenzeichen;Haushaltsjahr;Betrag;Verwendungszweck\r\n"
                "Werra-Meißner-Kreis;06636000;WIR-21-0001;2021;100,00;WIR-Vielfaltszentrum, Zuwendung WIR-21-0001\r\n"
                ).encode()
    export = PaymentOrderExport.objects.create(
        number="ZA-2021-11-25-1", day=date(2021, 11, 25), sequence=1, row_count=1, total=Decimal("100.00"),
        sha256=hashlib.sha256(expected).hexdigest(), snapshot=snapshot, created_by=clerk)

    assert export_csv(export) == expected
    sheet = load_workbook(io.BytesIO(export_xlsx(export))).active
    assert [cell.value for cell in sheet[1]] == HEADER_V1
    assert sheet["E3"].value == 100 and sheet["A3"].value == "Summe (1 Zahlung)"


def test_preview_shows_what_the_export_will_contain(scenario, clerk):
    preview = payment_orders_preview(DAY)

    assert export_rows(payment_orders_export(day=DAY, user=clerk)) == preview


def test_exporting_marks_the_payments_and_writes_audit_entries(scenario, clerk):
    export = payment_orders_export(day=DAY, user=clerk)

    entry = audit_entries_for(export).get()
    assert (entry.actor, entry.action) == (clerk, "grants.payment_orders.exported")
    assert entry.data["rows"] == 3 and entry.data["total"] == "73123.95"
    assert sorted(entry.data["disbursements"]) == sorted([scenario.a_first.pk, scenario.a_second.pk, scenario.b.pk])
    marked = audit_entries_for(scenario.b).filter(action="grants.disbursement.exported").get()
    assert marked.changes == {"export": [None, "ZA-2026-11-25-1"]}


def test_second_export_of_the_same_day_is_refused_in_german(scenario, clerk, approver):
    payment_orders_export(day=DAY, user=clerk)

    with pytest.raises(DomainError) as refusal:
        payment_orders_export(day=DAY, user=approver)

    assert refusal.value.message == NOTHING
    assert PaymentOrderExport.objects.count() == 1


def test_day_without_released_payments_is_refused(programme, clerk):
    with pytest.raises(DomainError, match="^Für den 25.11.2026 gibt es keine freigegebenen"):
        payment_orders_export(day=DAY, user=clerk)
    assert not PaymentOrderExport.objects.exists()


def test_payment_released_later_that_day_goes_into_a_second_numbered_export(
        scenario, coordinator_a, clerk, approver):
    first = payment_orders_export(day=DAY, user=clerk)
    late = released_payment(scenario.award_a, coordinator_a, clerk, approver, "500.00", at=berlin(DAY, 23, 0))

    second = payment_orders_export(day=DAY, user=clerk)

    assert (second.number, second.sequence, second.row_count, second.total) == (
        "ZA-2026-11-25-2", 2, 1, Decimal("500.00"))
    assert list(second.disbursements.all()) == [late]
    assert first.disbursements.count() == 3
    assert second.filename("csv") == "Zahlungsanordnungen_2026-11-25_2.csv"


def test_approver_may_export_too(scenario, approver):
    assert payment_orders_export(day=DAY, user=approver).row_count == 3


def test_coordinator_may_neither_export_nor_reexport(scenario, clerk, coordinator_a):
    with pytest.raises(NotPermitted):
        payment_orders_export(day=DAY, user=coordinator_a)
    export = payment_orders_export(day=DAY, user=clerk)
    with pytest.raises(NotPermitted):
        payment_orders_reexport(export=export, user=coordinator_a)
    assert not AuditEntry.objects.filter(action="grants.payment_orders.reexported").exists()


# -- The files ----------------------------------------------------------------------------------


def test_csv_has_bom_semicolons_decimal_comma_and_no_total_line(scenario, clerk):
    export = payment_orders_export(day=DAY, user=clerk)

    content = export_csv(export)

    assert content.startswith(b"\xef\xbb\xbf")
    rows = csv_rows(content)
    assert rows[0] == HEADER
    ref_a = scenario.award_a.application.file_reference
    ref_b = scenario.award_b.application.file_reference
    assert [(row[0], row[2], row[3], row[4], row[6], row[7], row[9]) for row in rows[1:]] == [
        ("Kreisausschuss des Hochtaunuskreises", IBAN_HTK, "TESTDEFFXXX", f"{ref_b}-Z{scenario.b.pk:06d}",
         "2026", "06434000", "25000,50"),
        ("Kreisausschuss des Werra-Meißner-Kreises", IBAN_WMK, "TESTDEFFXXX", f"{ref_a}-Z{scenario.a_second.pk:06d}",
         "2027", "06636000", "8123,45"),
        ("Kreisausschuss des Werra-Meißner-Kreises", IBAN_WMK, "TESTDEFFXXX", f"{ref_a}-Z{scenario.a_first.pk:06d}",
         "2026", "06636000", "40000,00"),
    ]
    assert rows[2][10] == f"{PURPOSE_HEAD} Werra-Meißner-Kreis, Zuwendung {ref_a}, HHJ 2027, Abruf vom 24.11.2026"
    assert len(rows) == 1 + export.row_count  # machine-readable: payment lines only
    assert sum(to_money(row[9].replace(",", ".")) for row in rows[1:]) == export.total
    assert hashlib.sha256(content).hexdigest() == export.sha256
    assert export.filename("csv") == "Zahlungsanordnungen_2026-11-25_1.csv"


def test_xlsx_has_numeric_amounts_in_euro_format_bold_header_and_total_row(scenario, clerk):
    export = payment_orders_export(day=DAY, user=clerk)

    sheet = load_workbook(io.BytesIO(export_xlsx(export))).active

    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == HEADER
    assert all(cell.font.bold for cell in sheet[1])
    amounts = [sheet.cell(row=index, column=10) for index in range(2, 6)]
    assert all(cell.data_type == "n" and cell.number_format == "#,##0.00 €" for cell in amounts)
    assert [to_money(str(cell.value)) for cell in amounts] == [
        Decimal("25000.50"), Decimal("8123.45"), Decimal("40000.00"), Decimal("73123.95")]
    assert values[1][7] == "06434000"  # the AGS stays text with its leading zero
    assert values[1][:4] == ("Kreisausschuss des Hochtaunuskreises", "Kreiskasse des Hochtaunuskreises", IBAN_HTK,
                             "TESTDEFFXXX")
    assert values[1][4] == f"{scenario.award_b.application.file_reference}-Z{scenario.b.pk:06d}"
    assert values[4][0] == "Summe (3 Zahlungen)"
    assert all(cell.font.bold for cell in sheet[5])
    assert len(values) == 5


def test_xlsx_is_stamped_with_the_export_time_so_every_download_is_the_same(scenario, clerk):
    export = payment_orders_export(day=DAY, user=clerk)

    content = export_xlsx(export)

    stamp = export.created_at.astimezone(UTC)
    members = zipfile.ZipFile(io.BytesIO(content)).infolist()
    *minute, second = stamp.timetuple()[:6]
    assert {member.date_time for member in members} == {(*minute, second - second % 2)}  # zip: 2-second steps
    properties = load_workbook(io.BytesIO(content)).properties
    assert properties.modified == properties.created == stamp.replace(tzinfo=None, microsecond=0)


def test_purpose_line_keeps_reference_year_and_date_when_the_title_is_long():
    title = "WIR-Vielfaltszentrum " + " ".join(["Integrationsarbeit"] * 12)

    line = purpose_line(title=title, file_reference="WIR-26-0021", budget_year=2026, requested_on=DAY)

    assert len(line) <= PURPOSE_MAX_LENGTH
    assert line.endswith(", Zuwendung WIR-26-0021, HHJ 2026, Abruf vom 25.11.2026")
    assert line.startswith("WIR-Vielfaltszentrum Integrationsarbeit")
    assert "Integrationsarbei," not in line  # cut at a word


def test_purpose_line_drops_characters_outside_the_remittance_set():
    line = purpose_line(title="=HYPERLINK(\"x\");\nZentrum", file_reference="WIR-26-0001", budget_year=2026,
                        requested_on=DAY)

    assert line == "HYPERLINK( x ) Zentrum, Zuwendung WIR-26-0001, HHJ 2026, Abruf vom 25.11.2026"


def test_purpose_line_of_the_example():
    line = purpose_line(title="WIR-Vielfaltszentrum", file_reference="WIR-21-0021", budget_year=2026,
                        requested_on=DAY)

    assert line == "WIR-Vielfaltszentrum, Zuwendung WIR-21-0021, HHJ 2026, Abruf vom 25.11.2026"


# -- Re-export ----------------------------------------------------------------------------------


def test_reexport_delivers_identical_files_even_after_a_name_change(scenario, clerk, approver):
    export = payment_orders_export(day=DAY, user=clerk)
    csv_before, xlsx_before = export_csv(export), export_xlsx(export)
    rows_before = export_rows(export)
    Municipality.objects.filter(name="Hochtaunuskreis").update(name="Hochtaunus-Kreis (umbenannt)")

    again = payment_orders_reexport(export=PaymentOrderExport.objects.get(pk=export.pk), user=approver)

    assert again.pk == export.pk
    assert export_csv(again) == csv_before
    assert export_xlsx(again) == xlsx_before
    assert export_rows(again) == rows_before
    assert PaymentOrderExport.objects.count() == 1
    entry = audit_entries_for(export).filter(action="grants.payment_orders.reexported").get()
    assert entry.actor == approver


def test_reexport_flag_delivers_the_days_export_without_creating_one(scenario, clerk):
    export = payment_orders_export(day=DAY, user=clerk)

    again = payment_orders_export(day=DAY, user=clerk, reexport=True)

    assert again == export
    assert PaymentOrderExport.objects.count() == 1
    assert AuditEntry.objects.filter(action="grants.payment_orders.reexported").count() == 1


def test_reexport_flag_for_a_day_without_export_is_refused(programme, clerk):
    with pytest.raises(DomainError, match="noch keinen Export"):
        payment_orders_export(day=DAY, user=clerk, reexport=True)


def test_tampered_snapshot_is_refused_on_delivery(scenario, clerk):
    export = payment_orders_export(day=DAY, user=clerk)
    export.snapshot["rows"][0]["amount"] = "99999.99"  # in memory only: the record cannot be saved

    with pytest.raises(DomainError, match="Prüfsumme"):
        export_csv(export)


# -- Immutability ------------------------------------------------------------------------------


def test_export_cannot_be_changed_or_deleted(scenario, clerk):
    export = payment_orders_export(day=DAY, user=clerk)

    export.total = Decimal("1.00")
    with pytest.raises(IssuedRecordError):
        export.save()
    with pytest.raises(IssuedRecordError):
        export.delete()
    with pytest.raises(IssuedRecordError):
        PaymentOrderExport.objects.filter(pk=export.pk).update(total=Decimal("1.00"))
    with pytest.raises(IssuedRecordError):
        PaymentOrderExport.objects.all().delete()
    assert PaymentOrderExport.objects.get(pk=export.pk).total == Decimal("73123.95")


@pytest.mark.postgres
def test_database_refuses_to_change_an_export(scenario, clerk):
    export = payment_orders_export(day=DAY, user=clerk)

    with pytest.raises(DatabaseError, match="Zahlungsanordnungen"), transaction.atomic(), \
            connection.cursor() as cursor:
        cursor.execute("UPDATE grants_paymentorderexport SET total = 1 WHERE id = %s", [export.pk])


# -- Concurrency (PostgreSQL) ------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_exports_of_a_day_take_each_payment_once(
        monkeypatch, programme, coordinator_a, coordinator_b, clerk, approver):
    scenario = build_scenario(programme, coordinator_a, coordinator_b, clerk, approver)
    # Holds the first transaction open after it has taken the payments.
    monkeypatch.setattr("grants.services.payment_orders.audit_log", slowed(audit_log))

    results = run_together(
        lambda: payment_orders_export(day=DAY, user=clerk),
        lambda: payment_orders_export(day=DAY, user=approver),
    )

    assert sorted(kind for kind, _ in results) == ["error", "ok"]
    error = next(value for kind, value in results if kind == "error")
    assert isinstance(error, DomainError) and error.message == NOTHING
    export = PaymentOrderExport.objects.get()
    assert export.row_count == 3
    assert set(Disbursement.objects.filter(export=export)) == {scenario.a_first, scenario.a_second, scenario.b}


# -- Admin -------------------------------------------------------------------------------------


def test_admin_shows_an_export_read_only(client, scenario, clerk):
    export = payment_orders_export(day=DAY, user=clerk)
    client.force_login(User.objects.create_superuser(username="admin", password="x-Passwort-2026",
                                                     email="admin@example.org", role=Role.PROGRAMMVERWALTUNG))

    changelist = client.get(reverse("admin:grants_paymentorderexport_changelist"))
    change = client.get(reverse("admin:grants_paymentorderexport_change", args=[export.pk]))

    assert changelist.status_code == 200 and "ZA-2026-11-25-1" in changelist.content.decode()
    assert change.status_code == 200
    html = change.content.decode()
    assert "73.123,95 €" in html and export.sha256 in html and 'name="_save"' not in html
    assert client.get(reverse("admin:grants_paymentorderexport_add")).status_code == 403
    assert client.post(reverse("admin:grants_paymentorderexport_delete", args=[export.pk]),
                       {"post": "yes"}).status_code == 403
    assert PaymentOrderExport.objects.filter(pk=export.pk).exists()
