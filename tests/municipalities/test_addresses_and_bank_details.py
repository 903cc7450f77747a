"""The lists in the repository hold a complete postal address for each of the 33 bodies and the
five courts and a valid (TEST) bank connection for each treasury; the loader fills them only
where the database is blank; IBAN and BIC are checked with German messages; the admin warns
about TEST IBANs and writes changes to the audit trail."""

import csv

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from schwifty import IBAN

from audit.models import AuditEntry
from core.banking import TEST_BANK_CODE, is_test_iban, validate_bic, validate_iban
from municipalities.loading import COURTS_CSV_PATH, CSV_PATH, load_bodies, read_bodies, read_courts
from municipalities.models import AdministrativeCourt, Municipality

COURT_SEATS = ["Darmstadt", "Frankfurt am Main", "Gießen", "Kassel", "Wiesbaden"]


# -- the lists -----------------------------------------------------------------------------------

def test_list_has_33_bodies_each_with_a_complete_address():
    rows = read_bodies(CSV_PATH)

    assert len(rows) == 33
    for row in rows:
        assert row["street"].strip(), row["name"]
        assert len(row["postal_code"]) == 5 and row["postal_code"].isdigit(), row["name"]
        assert row["city"].strip(), row["name"]


def test_list_has_the_five_courts_each_with_a_complete_address():
    rows = read_courts(COURTS_CSV_PATH)

    assert sorted(row["seat"] for row in rows) == COURT_SEATS
    for row in rows:
        assert row["street"].strip() and row["city"].strip(), row["seat"]
        assert len(row["postal_code"]) == 5 and row["postal_code"].isdigit(), row["seat"]
    # every court a body names is in the list
    assert {row["verwaltungsgericht"] for row in read_bodies(CSV_PATH)} == set(COURT_SEATS)


def test_every_iban_in_the_list_is_valid_unique_and_marked_as_test_data():
    rows = read_bodies(CSV_PATH)

    for row in rows:
        validate_iban(row["iban"])
        validate_bic(row["bic"])
        assert IBAN(row["iban"]).bank_code == TEST_BANK_CODE, row["name"]
        assert row["bank_name"].startswith("TEST"), row["name"]
        assert row["treasury_account_holder"].startswith(("Kreiskasse ", "Stadtkasse ")), row["name"]
    assert len({row["iban"] for row in rows}) == 33


def test_the_werra_meissner_kreis_row():
    row = next(row for row in read_bodies(CSV_PATH) if row["name"] == "Werra-Meißner-Kreis")

    assert (row["street"], row["postal_code"], row["city"]) == ("Schlossplatz 1", "37269", "Eschwege")
    assert row["treasury_account_holder"] == "Kreiskasse des Werra-Meißner-Kreises"
    assert row["iban"] == "DE65123456780063600000"


def test_loaded_bodies_and_courts_have_complete_addresses_and_valid_bank_details(db):
    assert Municipality.objects.count() == 33
    for body in Municipality.objects.select_related("administrative_court"):
        assert body.address_missing == [], body.name
        assert body.administrative_court.address_missing == [], body.name
        assert body.bank_details_missing == [], body.name
        assert body.has_test_iban
    assert AdministrativeCourt.objects.count() == 5
    court = AdministrativeCourt.objects.get(seat="Frankfurt am Main")
    assert (court.street, court.postal_code, court.city) == ("Adalbertstraße 18", "60486", "Frankfurt am Main")


def test_payee_is_the_recipient_body(db):
    assert Municipality.objects.get(name="Fulda (Stadt)").payee == "Magistrat der Stadt Fulda"
    assert Municipality.objects.get(name="Fulda").payee == "Kreisausschuss des Landkreises Fulda"


# -- the loader ------------------------------------------------------------------------------------

def test_loading_fills_blank_addresses_and_bank_details_but_keeps_what_was_entered(db, tmp_path):
    Municipality.objects.filter(name="Werra-Meißner-Kreis").update(street="", postal_code="", iban="", bic="")
    Municipality.objects.filter(name="Hochtaunuskreis").update(street="Neue Straße 7", iban="DE89370400440532013000",
                                                                bic="COBADEFFXXX")
    AdministrativeCourt.objects.filter(seat="Kassel").update(street="")

    load_bodies(Municipality, AdministrativeCourt)

    wmk = Municipality.objects.get(name="Werra-Meißner-Kreis")
    assert (wmk.street, wmk.postal_code, wmk.iban, wmk.bic) == (
        "Schlossplatz 1", "37269", "DE65123456780063600000", "TESTDEFFXXX")
    htk = Municipality.objects.get(name="Hochtaunuskreis")
    assert (htk.street, htk.iban, htk.bic) == ("Neue Straße 7", "DE89370400440532013000", "COBADEFFXXX")
    assert AdministrativeCourt.objects.get(seat="Kassel").street == "Goethestraße 41-43"


def test_an_old_list_without_the_new_columns_still_loads(db, tmp_path):
    fields = ["name", "kind", "ags", "regierungsbezirk", "seat", "recipient_body", "verwaltungsgericht", "note"]
    path = tmp_path / "bodies.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(read_bodies(CSV_PATH))

    assert load_bodies(Municipality, AdministrativeCourt, path) == 33
    assert Municipality.objects.get(name="Kassel").street == "Obere Königsstraße 8"  # kept


# -- IBAN and BIC ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "message"), [
    ("DE65123456780063600001", "Die Prüfziffern der IBAN stimmen nicht – bitte die IBAN auf Tippfehler prüfen."),
    ("DE6512345678006360000", "Die IBAN hat 21 Zeichen; eine deutsche IBAN hat genau 22 Zeichen."),
    ("AT611904300234573201", "Die IBAN muss mit dem Ländercode DE beginnen (Konto der Kasse in Deutschland); "
                             "angegeben ist „AT“."),
    ("DE65 1234 5678 0063 6000 0X", "Die IBAN ist nicht richtig aufgebaut: nach „DE“ folgen 20 Ziffern."),
])
def test_invalid_ibans_are_refused_in_german(value, message):
    with pytest.raises(ValidationError) as error:
        validate_iban(value)

    assert error.value.messages == [message]


def test_a_valid_iban_with_spaces_and_lower_case_passes():
    validate_iban("de89 3704 0044 0532 0130 00")
    assert not is_test_iban("DE89370400440532013000")
    assert is_test_iban("DE65 1234 5678 0063 6000 00")


@pytest.mark.parametrize(("value", "message"), [
    ("COBADEF", "Der BIC hat 7 Zeichen; ein BIC hat 8 oder 11 Zeichen."),
    ("COBAXXFFXXX", "Der BIC nennt an fünfter und sechster Stelle kein gültiges Land."),
    ("COBADEF!XXX", "Der BIC ist nicht richtig aufgebaut (4 Buchstaben Bank, 2 Buchstaben Land, 2 Zeichen Ort, "
                    "optional 3 Zeichen Filiale)."),
])
def test_invalid_bics_are_refused_in_german(value, message):
    with pytest.raises(ValidationError) as error:
        validate_bic(value)

    assert error.value.messages == [message]


def test_model_clean_normalises_and_requires_holder_iban_and_bic_together(db):
    body = Municipality.objects.get(name="Kassel")
    body.iban, body.bic, body.treasury_account_holder = "de89 3704 0044 0532 0130 00", "", "Stadtkasse Kassel"

    with pytest.raises(ValidationError) as error:
        body.full_clean()

    assert error.value.message_dict == {
        "bic": ["Bitte BIC angeben: eine Bankverbindung braucht Kontoinhaber, IBAN und BIC."]}
    assert body.iban == "DE89370400440532013000"


def test_model_clean_refuses_a_bic_of_another_country(db):
    body = Municipality.objects.get(name="Kassel")
    body.iban, body.bic = "DE89370400440532013000", "BKAUATWWXXX"

    with pytest.raises(ValidationError) as error:
        body.full_clean()

    assert error.value.message_dict == {"bic": ["Der BIC gehört zu einem anderen Land als die IBAN."]}


# -- the admin ---------------------------------------------------------------------------------------

@pytest.fixture
def admin_client(client, django_user_model):
    from tests import factories
    user = django_user_model.objects.create_superuser(username="admin", password=factories.PASSWORD,
                                                      email="admin@example.org", role="programmverwaltung")
    client.force_login(user)
    return client


def change_url(body):
    return reverse("admin:municipalities_municipality_change", args=[body.pk])


def form_data(body, **changes):
    data = {field: getattr(body, field) for field in (
        "street", "postal_code", "city", "treasury_account_holder", "iban", "bic", "bank_name", "note")}
    return data | changes


def test_admin_warns_while_a_test_iban_is_in_use(admin_client, body_a):
    text = " ".join(admin_client.get(change_url(body_a)).content.decode().split())

    assert (f"Achtung: Für Werra-Meißner-Kreis ist eine TEST-IBAN hinterlegt (Bankleitzahl {TEST_BANK_CODE}, "
            "keine echte Bankverbindung).") in text
    listing = " ".join(admin_client.get(reverse("admin:municipalities_municipality_changelist")).content.decode()
                       .split())
    assert "33 Gebietskörperschaften haben eine TEST-IBAN (keine echte Bankverbindung)." in listing


def test_admin_refuses_a_wrong_iban_in_german_and_keeps_the_old_one(admin_client, body_a):
    response = admin_client.post(change_url(body_a), form_data(body_a, iban="DE65123456780063600001"))

    assert response.status_code == 200
    assert "Die Prüfziffern der IBAN stimmen nicht" in response.content.decode()
    body_a.refresh_from_db()
    assert body_a.iban == "DE65123456780063600000"


def test_admin_saves_real_bank_details_without_the_warning_and_audits_the_change(admin_client, body_a):
    response = admin_client.post(change_url(body_a), form_data(
        body_a, iban="DE89 3704 0044 0532 0130 00", bic="COBADEFFXXX", bank_name="Beispielbank"), follow=True)

    assert response.status_code == 200
    body_a.refresh_from_db()
    assert (body_a.iban, body_a.bic) == ("DE89370400440532013000", "COBADEFFXXX")
    assert not body_a.has_test_iban
    assert "TEST-IBAN hinterlegt" not in admin_client.get(change_url(body_a)).content.decode()
    entry = AuditEntry.objects.get(action="municipalities.municipality.updated")
    assert entry.object_id == body_a.pk
    assert entry.changes["iban"] == ["DE65123456780063600000", "DE89370400440532013000"]
    assert entry.changes["bank_name"] == ["TEST – keine echte Bankverbindung", "Beispielbank"]
    assert "street" not in entry.changes


def test_admin_change_of_a_courts_address_is_audited(admin_client, db):
    court = AdministrativeCourt.objects.get(seat="Kassel")

    admin_client.post(reverse("admin:municipalities_administrativecourt_change", args=[court.pk]),
                      {"street": "Goethestraße 41+43", "postal_code": "34119", "city": "Kassel"})

    entry = AuditEntry.objects.get(action="municipalities.administrativecourt.updated")
    assert entry.changes == {"street": ["Goethestraße 41-43", "Goethestraße 41+43"]}
