"""The SEPA credit transfer file (pain.001.001.09) of a payment order export: valid against the
ISO schema in the repository (checked with lxml, independent of sepaxml's own check), the
German banks' narrower rules, the figures the treasury reconciles, byte-identical delivery,
and the refusals (no paying account, export from before the bank details, invalid IBAN)."""

import functools
import hashlib
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import DatabaseError, connection, transaction
from lxml import etree

from accounts.models import User
from audit.models import AuditEntry
from audit.selectors import audit_entries_for
from core import clock
from core.errors import DomainError
from grants.exports import sepa
from grants.models import Disbursement, IssuedRecordError, PaymentOrderExport, PaymentOrderSepaFile
from grants.services.disbursements import disbursement_release
from grants.services.payment_orders import (
    export_csv,
    export_sepa,
    payment_order_sepa_create,
    payment_orders_export,
    payment_orders_reexport,
)
from municipalities.models import Municipality
from tests.grants.test_payment_orders import DAY, HEADER, IBAN_HTK, IBAN_WMK, NOTHING, berlin, build_scenario
from tests.grants.test_seed_demo import seeded  # noqa: F401  (the shared seeded demo)

XSD = Path(django_settings.BASE_DIR) / "grants" / "exports" / "schemas" / "pain.001.001.09.xsd"
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"}
DEBTOR_IBAN = "DE35123456789900000000"  # a TEST IBAN (bank code 12345678), valid checksum
EXPORTED_AT = berlin(date(2026, 11, 26), 8, 15)  # Thursday
# The SEPA basic Latin character set of the DK / EPC.
SEPA_SET = re.compile(r"^[A-Za-z0-9/\-?:().,'+ ]+$")


@functools.cache
def pain_001_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD)))


def texts(doc, path: str) -> list[str]:
    return [node.text for node in doc.xpath(path, namespaces=NS)]


def validated(content: bytes):
    """Parse `content`, validate it against the XSD with lxml and check the DK's rules; the tree."""
    doc = etree.fromstring(content)
    pain_001_schema().assertValid(doc)
    assert_dk_rules(doc)
    return doc


def assert_dk_rules(doc) -> None:
    """What the ISO schema leaves open and the German banks require (DFÜ-Abkommen Anlage 3)."""
    for path, longest in (("//p:InitgPty/p:Nm", 70), ("//p:Dbtr/p:Nm", 70), ("//p:Cdtr/p:Nm", 70),
                          ("//p:Ustrd", 140), ("//p:MsgId", 35), ("//p:PmtInfId", 35), ("//p:EndToEndId", 35)):
        for text in texts(doc, path):
            assert SEPA_SET.match(text), (path, text)
            assert len(text) <= longest, (path, text)
    for text in texts(doc, "//p:MsgId") + texts(doc, "//p:PmtInfId") + texts(doc, "//p:EndToEndId"):
        assert " " not in text and "//" not in text and not text.startswith("/") and not text.endswith("/")
    assert set(texts(doc, "//p:SvcLvl/p:Cd")) == {"SEPA"}
    assert set(texts(doc, "//p:ChrgBr")) == {"SLEV"}
    assert {node.get("Ccy") for node in doc.xpath("//p:InstdAmt", namespaces=NS)} == {"EUR"}
    assert len(set(texts(doc, "//p:EndToEndId"))) == len(texts(doc, "//p:EndToEndId"))
    # The control sums and counts are what the bank checks first.
    amounts = [Decimal(text) for text in texts(doc, "//p:InstdAmt")]
    assert all(amount == amount.quantize(Decimal("0.01")) for amount in amounts)
    for block in ("p:GrpHdr", "p:PmtInf"):
        assert [Decimal(text) for text in texts(doc, f"//{block}/p:CtrlSum")] == [sum(amounts)]
        assert texts(doc, f"//{block}/p:NbOfTxs") == [str(len(amounts))]


def transactions(doc) -> list[dict]:
    return [{
        "name": tx.findtext("p:Cdtr/p:Nm", namespaces=NS),
        "iban": tx.findtext("p:CdtrAcct/p:Id/p:IBAN", namespaces=NS),
        "bic": tx.findtext("p:CdtrAgt/p:FinInstnId/p:BICFI", namespaces=NS),
        "amount": tx.findtext("p:Amt/p:InstdAmt", namespaces=NS),
        "e2e": tx.findtext("p:PmtId/p:EndToEndId", namespaces=NS),
        "remittance": tx.findtext("p:RmtInf/p:Ustrd", namespaces=NS),
    } for tx in doc.xpath("//p:CdtTrfTxInf", namespaces=NS)]


@pytest.fixture
def debtor(settings):
    """The paying account as an operator sets it (with spaces in the IBAN, an umlaut in the name)."""
    settings.SEPA_DEBTOR_NAME = "Hessisches Ministerium für Soziales und Integration"
    settings.SEPA_DEBTOR_IBAN = "de35 1234 5678 9900 0000 00"
    settings.SEPA_DEBTOR_BIC = "TESTDEFFXXX"


@pytest.fixture
def no_debtor(settings):
    settings.SEPA_DEBTOR_NAME = settings.SEPA_DEBTOR_IBAN = settings.SEPA_DEBTOR_BIC = ""


@pytest.fixture
def scenario(programme, coordinator_a, coordinator_b, clerk, approver):
    return build_scenario(programme, coordinator_a, coordinator_b, clerk, approver)


def export_day(user) -> PaymentOrderExport:
    with clock.frozen_at(EXPORTED_AT):
        return payment_orders_export(day=DAY, user=user)


# -- The file ----------------------------------------------------------------------------------


def test_export_with_a_paying_account_comes_with_a_sepa_file_valid_against_the_xsd(debtor, scenario, clerk):
    export = export_day(clerk)

    doc = validated(export_sepa(export))

    assert doc.tag == "{urn:iso:std:iso:20022:tech:xsd:pain.001.001.09}Document"
    assert len(transactions(doc)) == 3


def test_each_payment_carries_payee_iban_bic_amount_kassenzeichen_and_remittance(debtor, scenario, clerk):
    export = export_day(clerk)
    ref_a = scenario.award_a.application.file_reference
    ref_b = scenario.award_b.application.file_reference
    head = "WIR Vielfalt und Teilhabe, WIR-Vielfaltszentrum"

    rows = transactions(validated(export_sepa(export)))

    assert rows == [
        {"name": "Kreisausschuss des Hochtaunuskreises", "iban": IBAN_HTK, "bic": "TESTDEFFXXX", "amount": "25000.50",
         "e2e": f"{ref_b}-Z{scenario.b.pk:06d}",
         "remittance": f"{head} Hochtaunuskreis, Zuwendung {ref_b}, HHJ 2026, Abruf vom 20.11.2026"},
        {"name": "Kreisausschuss des Werra-Meissner-Kreises", "iban": IBAN_WMK, "bic": "TESTDEFFXXX",
         "amount": "8123.45", "e2e": f"{ref_a}-Z{scenario.a_second.pk:06d}",
         "remittance": f"{head} Werra-Meissner-Kreis, Zuwendung {ref_a}, HHJ 2027, Abruf vom 24.11.2026"},
        {"name": "Kreisausschuss des Werra-Meissner-Kreises", "iban": IBAN_WMK, "bic": "TESTDEFFXXX",
         "amount": "40000.00", "e2e": f"{ref_a}-Z{scenario.a_first.pk:06d}",
         "remittance": f"{head} Werra-Meissner-Kreis, Zuwendung {ref_a}, HHJ 2026, Abruf vom 20.11.2026"},
    ]
    # The end-to-end id is the Kassenzeichen of the CSV: the treasury matches both.
    assert [row["e2e"] for row in rows] == [row["kassenzeichen"] for row in export.snapshot["rows"]]


def test_amounts_add_up_to_the_control_sum_and_the_exports_total(debtor, scenario, clerk):
    export = export_day(clerk)

    doc = validated(export_sepa(export))

    assert texts(doc, "//p:GrpHdr/p:CtrlSum") == texts(doc, "//p:PmtInf/p:CtrlSum") == ["73123.95"]
    assert sum(Decimal(text) for text in texts(doc, "//p:InstdAmt")) == export.total == Decimal("73123.95")
    assert texts(doc, "//p:GrpHdr/p:NbOfTxs") == texts(doc, "//p:PmtInf/p:NbOfTxs") == ["3"]


def test_header_holds_export_number_time_paying_account_batch_booking_and_execution_date(debtor, scenario, clerk):
    export = export_day(clerk)

    doc = validated(export_sepa(export))

    assert texts(doc, "//p:MsgId") == ["ZA-2026-11-25-1"]
    assert texts(doc, "//p:PmtInfId") == ["ZA-2026-11-25-1-1"]
    assert texts(doc, "//p:CreDtTm") == ["2026-11-26T08:15:00+01:00"]  # the export's time, not the download's
    assert texts(doc, "//p:BtchBookg") == ["true"]
    assert texts(doc, "//p:PmtMtd") == ["TRF"]
    assert texts(doc, "//p:ReqdExctnDt/p:Dt") == ["2026-11-26"]
    assert texts(doc, "//p:Dbtr/p:Nm") == texts(doc, "//p:InitgPty/p:Nm") == [
        "Hessisches Ministerium fuer Soziales und Integration"]
    assert texts(doc, "//p:DbtrAcct/p:Id/p:IBAN") == [DEBTOR_IBAN]
    assert texts(doc, "//p:DbtrAgt/p:FinInstnId/p:BICFI") == ["TESTDEFFXXX"]
    sepa_file = export.sepa_file
    assert (sepa_file.message_id, sepa_file.debtor_iban, sepa_file.execution_date) == (
        "ZA-2026-11-25-1", DEBTOR_IBAN, date(2026, 11, 26))
    assert sepa_file.sha256 == hashlib.sha256(export_sepa(export)).hexdigest()


def test_export_on_a_saturday_asks_for_execution_on_monday(debtor, scenario, clerk):
    with clock.frozen_at(berlin(date(2026, 11, 28), 10)):
        export = payment_orders_export(day=DAY, user=clerk)

    assert texts(validated(export_sepa(export)), "//p:ReqdExctnDt/p:Dt") == ["2026-11-30"]


def test_umlauts_and_sharp_s_are_transliterated_and_other_characters_replaced(debtor, scenario, clerk):
    Municipality.objects.filter(name="Hochtaunuskreis").update(
        recipient_body="Kreisausschuß Hochtaunus – Ämter, Öl & Übung_KG")
    export = export_day(clerk)

    names = [row["name"] for row in transactions(validated(export_sepa(export)))]

    assert names[0] == "Kreisausschuss Hochtaunus Aemter, Oel + Uebung KG"
    assert "Werra-Meissner" in names[1]


def test_sepa_text_follows_the_dk_transliteration():
    assert sepa.sepa_text("Ä Ö Ü ä ö ü ß ẞ") == "Ae Oe Ue ae oe ue ss SS"
    assert sepa.sepa_text("Café Señor & Søn") == "Cafe Senor + S n"
    assert sepa.sepa_text("Preis: 5 € / 10 % @ {x} \"Zitat\"") == "Preis: 5 / 10 x Zitat"
    assert sepa.sepa_text("Zeile\neins\tzwei") == "Zeile eins zwei"


def test_long_names_and_purposes_are_cut_where_nothing_the_treasury_needs_is_lost():
    name = "Kreisausschuss des " + "Sehr-Langen-Namens-" * 5 + "Kreises"
    purpose = ("WIR Vielfalt, " + "Ein sehr langer Projekttitel " * 6
               + "Zuwendung WIR-26-0001, HHJ 2026, Abruf vom 20.11.2026")

    assert len(sepa.shorten_front(name, 70)) <= 70 and sepa.shorten_front(name, 70).startswith("Kreisausschuss des")
    assert sepa.shorten_front("Kreisausschuss des Hochtaunuskreises Aemter fuer Oeffentliche Uebung + Co KG", 70) == (
        "Kreisausschuss des Hochtaunuskreises Aemter fuer Oeffentliche Uebung")
    cut = sepa.shorten_back(sepa.sepa_text(purpose), 140)
    assert len(cut) <= 140 and cut.endswith("Zuwendung WIR-26-0001, HHJ 2026, Abruf vom 20.11.2026")
    assert sepa.reference("WIR-2026-SEHR-LANGES-AKTENZEICHEN-0001-Z000042", keep_tail="-Z000042") == (
        "WIR-2026-SEHR-LANGES-AKTENZ-Z000042")


def test_execution_date_skips_weekends_and_target_holidays():
    assert sepa.target_business_day(date(2026, 11, 26)) == date(2026, 11, 26)  # Thursday
    assert sepa.target_business_day(date(2026, 11, 28)) == date(2026, 11, 30)  # Saturday → Monday
    assert sepa.target_business_day(date(2026, 12, 25)) == date(2026, 12, 28)  # Christmas, Friday
    assert sepa.target_business_day(date(2027, 3, 26)) == date(2027, 3, 30)  # Good Friday → after Easter Monday
    assert sepa.target_business_day(date(2027, 1, 1)) == date(2027, 1, 4)
    assert sepa.target_business_day(date(2026, 10, 3)) == date(2026, 10, 5)  # German holiday, a Saturday anyway


# -- Delivery, re-export, audit ----------------------------------------------------------------


def test_downloading_again_gives_the_same_bytes_after_the_configuration_and_a_name_changed(
        debtor, scenario, clerk, settings):
    export = export_day(clerk)
    first = export_sepa(export)
    settings.SEPA_DEBTOR_IBAN = "DE89370400440532013000"
    settings.SEPA_DEBTOR_NAME = "Ein anderes Konto"
    Municipality.objects.filter(name="Hochtaunuskreis").update(recipient_body="Kreisausschuss Neu")

    again = export_sepa(PaymentOrderExport.objects.get(pk=export.pk))

    assert again == first
    assert b"Kreisausschuss des Hochtaunuskreises" in again and DEBTOR_IBAN.encode() in again


def test_reexport_is_recorded_with_the_sepa_files_checksum_and_delivers_the_same_bytes(
        debtor, scenario, clerk, approver):
    export = export_day(clerk)
    before = export_sepa(export)

    payment_orders_reexport(export=export, user=approver)

    entry = AuditEntry.objects.get(action="grants.payment_orders.reexported")
    assert entry.actor == approver
    assert entry.data["sepa_sha256"] == hashlib.sha256(before).hexdigest() == export.sepa_file.sha256
    assert entry.data["sha256"] == export.sha256
    assert export_sepa(export) == before
    assert PaymentOrderSepaFile.objects.count() == 1


def test_the_export_entry_records_the_sepa_files_checksum(debtor, scenario, clerk):
    export = export_day(clerk)

    entry = AuditEntry.objects.get(action="grants.payment_orders.exported")

    assert entry.data["sepa_sha256"] == export.sepa_file.sha256


def test_second_export_of_the_same_day_is_refused_and_makes_no_second_file(debtor, scenario, clerk):
    export_day(clerk)

    with pytest.raises(DomainError, match=re.escape(NOTHING)):
        export_day(clerk)
    assert PaymentOrderSepaFile.objects.count() == 1


def test_payment_released_later_gets_its_own_export_and_file_with_its_own_ids(
        debtor, scenario, programme, coordinator_a, clerk, approver):
    first = export_day(clerk)
    from tests.grants.test_payment_orders import released_payment
    released_payment(scenario.award_a, coordinator_a, clerk, approver, "500.00", at=berlin(DAY, 23, 0))

    second = export_day(clerk)

    doc = validated(export_sepa(second))
    assert texts(doc, "//p:MsgId") == ["ZA-2026-11-25-2"] != [first.sepa_file.message_id]
    assert texts(doc, "//p:InstdAmt") == ["500.00"]


# -- Refusals ----------------------------------------------------------------------------------


def test_without_a_paying_account_the_export_goes_on_and_the_sepa_file_is_refused_naming_the_settings(
        no_debtor, scenario, clerk):
    export = export_day(clerk)

    assert export_csv(export)  # CSV (and XLSX) as before
    assert not PaymentOrderSepaFile.objects.exists()
    with pytest.raises(DomainError) as error:
        export_sepa(export)
    for variable in ("SEPA_DEBTOR_NAME", "SEPA_DEBTOR_IBAN", "SEPA_DEBTOR_BIC"):
        assert variable in error.value.message
    assert "SEPA_DEBTOR_IBAN fehlt" in error.value.message
    assert "CSV und XLSX sind davon nicht betroffen" in error.value.message


def test_an_invalid_paying_iban_refuses_the_sepa_file_with_the_reason(settings, debtor, scenario, clerk):
    settings.SEPA_DEBTOR_IBAN = "DE35123456789900000001"  # checksum broken
    export = export_day(clerk)

    with pytest.raises(DomainError, match="SEPA_DEBTOR_IBAN: Die Prüfziffern der IBAN stimmen nicht"):
        payment_order_sepa_create(export=export, user=clerk)
    assert not PaymentOrderSepaFile.objects.exists()


def test_invalid_iban_of_a_body_refuses_the_export_naming_the_body(debtor, scenario, clerk):
    Municipality.objects.filter(name="Hochtaunuskreis").update(iban="DE08123456780043400001")

    with pytest.raises(DomainError) as error:
        export_day(clerk)

    assert "Kreisausschuss des Hochtaunuskreises: Die Prüfziffern der IBAN stimmen nicht" in error.value.message
    assert not PaymentOrderExport.objects.exists() and not PaymentOrderSepaFile.objects.exists()


def v2_export(clerk, *, iban: str = IBAN_WMK, number: str = "ZA-2026-11-20-1") -> PaymentOrderExport:
    """An export of snapshot version 2 as made before the SEPA file existed (no file with it)."""
    from grants.services.payment_orders import _csv_bytes
    snapshot = {"version": 2, "header": HEADER, "total": "100.00", "rows": [{
        "disbursement": 7, "recipient": "Werra-Meißner-Kreis", "payee": "Kreisausschuss des Werra-Meißner-Kreises",
        "account_holder": "Kreiskasse des Werra-Meißner-Kreises", "iban": iban, "bic": "TESTDEFFXXX",
        "kassenzeichen": "WIR-21-0001-Z000007", "budget_line": "Kapitel 08 02, Titel 633 51", "ags": "06636000",
        "file_reference": "WIR-21-0001", "budget_year": 2026, "amount": "100.00",
        "purpose": "WIR-Vielfaltszentrum, Zuwendung WIR-21-0001, HHJ 2026, Abruf vom 02.11.2026"}]}
    return PaymentOrderExport.objects.create(
        number=number, day=date(2026, 11, 20), sequence=int(number[-1]), row_count=1, total=Decimal("100.00"),
        sha256=hashlib.sha256(_csv_bytes(snapshot)).hexdigest(), snapshot=snapshot, created_by=clerk,
        created_at=berlin(date(2026, 11, 20), 15))


def test_an_export_made_without_file_gets_it_later_from_its_snapshot_once_and_on_the_record(debtor, clerk):
    export = v2_export(clerk)

    with clock.frozen_at(berlin(date(2026, 12, 1), 9, 30)):
        sepa_file = payment_order_sepa_create(export=export, user=clerk)

    doc = validated(export_sepa(export))
    assert transactions(doc) == [{
        "name": "Kreisausschuss des Werra-Meissner-Kreises", "iban": IBAN_WMK, "bic": "TESTDEFFXXX",
        "amount": "100.00", "e2e": "WIR-21-0001-Z000007",
        "remittance": "WIR-Vielfaltszentrum, Zuwendung WIR-21-0001, HHJ 2026, Abruf vom 02.11.2026"}]
    assert texts(doc, "//p:CreDtTm") == ["2026-12-01T09:30:00+01:00"]
    assert sepa_file.execution_date == date(2026, 12, 1)
    entry = audit_entries_for(export).get(action="grants.payment_orders.sepa_created")
    assert (entry.actor, entry.data["sha256"], entry.data["debtor_iban"]) == (clerk, sepa_file.sha256, DEBTOR_IBAN)
    with pytest.raises(DomainError, match="gibt es bereits eine SEPA-Datei"):
        payment_order_sepa_create(export=export, user=clerk)
    assert PaymentOrderSepaFile.objects.count() == 1


def test_an_invalid_iban_in_an_old_snapshot_refuses_the_file_naming_the_payee(debtor, clerk):
    export = v2_export(clerk, iban="DE65123456780063600001")

    with pytest.raises(DomainError) as error:
        payment_order_sepa_create(export=export, user=clerk)

    assert "Kreisausschuss des Werra-Meißner-Kreises: IBAN: Die Prüfziffern der IBAN stimmen nicht" in (
        error.value.message)
    assert not PaymentOrderSepaFile.objects.exists()
    assert not AuditEntry.objects.filter(action="grants.payment_orders.sepa_created").exists()


def test_an_export_of_version_1_has_no_sepa_file_and_says_why(debtor, clerk):
    from grants.services.payment_orders import _csv_bytes
    from tests.grants.test_payment_orders import HEADER_V1
    snapshot = {"version": 1, "header": HEADER_V1, "total": "100.00", "rows": [{
        "disbursement": 1, "recipient": "Werra-Meißner-Kreis", "ags": "06636000", "file_reference": "WIR-21-0001",
        "budget_year": 2021, "amount": "100.00", "purpose": "WIR-Vielfaltszentrum, Zuwendung WIR-21-0001"}]}
    export = PaymentOrderExport.objects.create(
        number="ZA-2021-11-25-1", day=date(2021, 11, 25), sequence=1, row_count=1, total=Decimal("100.00"),
        sha256=hashlib.sha256(_csv_bytes(snapshot)).hexdigest(), snapshot=snapshot, created_by=clerk)

    for attempt in (lambda: export_sepa(export), lambda: payment_order_sepa_create(export=export, user=clerk)):
        with pytest.raises(DomainError, match="enthält weder IBAN noch BIC"):
            attempt()
    assert not PaymentOrderSepaFile.objects.exists()


def test_coordinator_may_not_make_a_sepa_file(debtor, clerk, coordinator_a):
    export = v2_export(clerk)

    with pytest.raises(DomainError, match="Nur die Sachbearbeitung oder Bewilligung"):
        payment_order_sepa_create(export=export, user=coordinator_a)
    assert not PaymentOrderSepaFile.objects.exists()


# -- Immutability ------------------------------------------------------------------------------


def test_sepa_file_cannot_be_changed_or_deleted(debtor, scenario, clerk):
    sepa_file = export_day(clerk).sepa_file

    sepa_file.content = b"<Document/>"
    with pytest.raises(IssuedRecordError):
        sepa_file.save()
    with pytest.raises(IssuedRecordError):
        sepa_file.delete()
    with pytest.raises(IssuedRecordError):
        PaymentOrderSepaFile.objects.filter(pk=sepa_file.pk).update(content=b"")
    with pytest.raises(IssuedRecordError):
        PaymentOrderSepaFile.objects.all().delete()


@pytest.mark.postgres
def test_database_refuses_to_change_a_sepa_file(debtor, scenario, clerk):
    sepa_file = export_day(clerk).sepa_file

    with pytest.raises(DatabaseError, match="SEPA-Datei"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE grants_paymentordersepafile SET content = %s WHERE id = %s", [b"x", sepa_file.pk])


def test_stored_bytes_that_no_longer_match_their_checksum_are_not_delivered(debtor, scenario, clerk, monkeypatch):
    export = export_day(clerk)
    sepa_file = export.sepa_file
    sepa_file.content = export_sepa(export).replace(b"25000.50", b"25900.50")  # in memory only: cannot be saved
    monkeypatch.setattr("grants.services.payment_orders.sepa_file_of", lambda export: sepa_file)

    with pytest.raises(DomainError, match="stimmt nicht mehr mit der gespeicherten Prüfsumme"):
        export_sepa(export)
    with pytest.raises(DomainError, match="stimmt nicht mehr mit der gespeicherten Prüfsumme"):
        payment_orders_reexport(export=export, user=clerk)


# -- The demo ----------------------------------------------------------------------------------


@pytest.mark.usefixtures("seeded", "db")
class TestSeededDemoSepa:
    """On the seeded demo shared with the other classes that read it (tests/grants/seeded.py);
    what this test writes is rolled back after it."""

    def test_the_demos_pending_payment_exports_to_a_valid_sepa_file(self, settings):
        """`make run`: the demo's one prepared payment (Hanau), released and exported with the TEST
        paying account the demo uses (DEBUG's default), gives a file valid against the schema."""
        settings.SEPA_DEBTOR_NAME, settings.SEPA_DEBTOR_IBAN, settings.SEPA_DEBTOR_BIC = (
            "Landeshauptkasse Hessen (TEST)", DEBTOR_IBAN, "TESTDEFFXXX")
        pending = Disbursement.objects.get(status=Disbursement.Status.PREPARED)
        day = date(2026, 11, 24)
        disbursement_release(disbursement=pending, user=User.objects.get(username="bewilligung"),
                             now=berlin(day, 11))

        with clock.frozen_at(berlin(day, 15)):
            export = payment_orders_export(day=day, user=User.objects.get(username="sachbearbeitung"))

        rows = transactions(validated(export_sepa(export)))
        assert [(row["name"], row["amount"]) for row in rows] == [
            ("Magistrat der Brueder-Grimm-Stadt Hanau", "20000.00")]
        assert "HHJ 2026" in rows[0]["remittance"]
