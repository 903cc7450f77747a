"""Loading the bodies from the CSV: a second load keeps what the admin maintains (note,
postal address) and restores what the list is the source of (the recipient of notices).
Rows the list cannot hold are refused with a German message."""

import csv

import pytest

from municipalities.loading import CSV_PATH, load_bodies, read_bodies
from municipalities.models import AdministrativeCourt, Municipality

FIELDS = ["name", "kind", "ags", "regierungsbezirk", "seat", "recipient_body", "verwaltungsgericht", "note"]
ROW = {"name": "Werra-Meißner-Kreis", "kind": "Landkreis", "ags": "06636000", "regierungsbezirk": "Kassel",
       "seat": "Eschwege", "recipient_body": "Kreisausschuss des Werra-Meißner-Kreises",
       "verwaltungsgericht": "Kassel", "note": ""}


def write_csv(path, *rows):
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS)
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_loading_again_keeps_the_admins_note_and_address_but_restores_the_recipient(db):
    body = Municipality.objects.get(name="Werra-Meißner-Kreis")
    body.note = "Neue Ansprechperson seit 2026"
    body.street, body.postal_code, body.city = "Schlossplatz 1", "37269", "Eschwege"
    body.recipient_body = "Falscher Empfänger"
    body.save()

    count = load_bodies(Municipality, AdministrativeCourt)

    body.refresh_from_db()
    assert count == 33 == Municipality.objects.count()
    assert body.note == "Neue Ansprechperson seit 2026"
    assert (body.street, body.postal_code, body.city) == ("Schlossplatz 1", "37269", "Eschwege")
    assert body.recipient_body == "Kreisausschuss des Werra-Meißner-Kreises"


def test_the_list_in_the_repository_reads_without_errors():
    rows = read_bodies(CSV_PATH)

    assert len(rows) == 33


def test_row_with_an_unknown_kind_is_refused_in_german(tmp_path):
    path = write_csv(tmp_path / "bodies.csv", ROW | {"kind": "Gemeinde"})

    with pytest.raises(ValueError, match="Unbekannte Art 'Gemeinde' für Werra-Meißner-Kreis in bodies.csv"):
        read_bodies(path)


def test_row_with_a_seven_digit_ags_is_refused_in_german(tmp_path):
    path = write_csv(tmp_path / "bodies.csv", ROW | {"ags": "0663600"})

    with pytest.raises(ValueError, match="Ungültiger AGS '0663600' für Werra-Meißner-Kreis in bodies.csv"):
        read_bodies(path)
