"""Reading the list of eligible bodies and the administrative courts from the CSVs kept in
the repository.

The lists define the bodies (name, kind, AGS, recipient, court); those fields are set on every
load. The postal addresses and the treasury's bank details are maintained in the admin: the
lists only fill them where they are still blank, so a load never overwrites what the ministry
has corrected.
"""

import csv
from pathlib import Path

from django.utils.translation import gettext as _

CSV_PATH = Path(__file__).resolve().parent / "data" / "hessen-gebietskoerperschaften.csv"
COURTS_CSV_PATH = Path(__file__).resolve().parent / "data" / "hessen-verwaltungsgerichte.csv"

# Filled from the list only while blank in the database (edited in the admin afterwards).
BODY_FILLED_FIELDS = ("street", "postal_code", "city", "treasury_account_holder", "iban", "bic", "bank_name")
COURT_FILLED_FIELDS = ("street", "postal_code", "city")

KIND_BY_LABEL = {
    "Landkreis": "landkreis",
    "kreisfreie Stadt": "kreisfreie_stadt",
    "Sonderstatusstadt": "sonderstatusstadt",
}


def read_bodies(path: Path = CSV_PATH) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        if row["kind"] not in KIND_BY_LABEL:
            raise ValueError(_("Unbekannte Art %(kind)r für %(name)s in %(file)s.")
                             % {"kind": row["kind"], "name": row["name"], "file": path.name})
        if len(row["ags"]) != 8 or not row["ags"].isdigit():
            raise ValueError(_("Ungültiger AGS %(ags)r für %(name)s in %(file)s.")
                             % {"ags": row["ags"], "name": row["name"], "file": path.name})
    return rows


def read_courts(path: Path = COURTS_CSV_PATH) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _fill_blank(obj, row: dict, fields: tuple[str, ...]) -> None:
    """Set the fields the (possibly historical) model has and the database still holds blank."""
    present = {field.name for field in obj._meta.get_fields()}
    changed = [name for name in fields
               if name in present and name in row and row[name] and not getattr(obj, name)]
    for name in changed:
        setattr(obj, name, row[name])
    if changed:
        obj.save(update_fields=changed)


def load_bodies(Municipality, AdministrativeCourt, path: Path = CSV_PATH,
                courts_path: Path = COURTS_CSV_PATH) -> int:
    """Create or update every body from the CSV, keyed by AGS, and every court, keyed by seat;
    addresses and bank details only fill blanks (see the module's doc)."""
    courts = {row["seat"]: row for row in read_courts(courts_path)}
    rows = read_bodies(path)
    for row in rows:
        court, _created = AdministrativeCourt.objects.get_or_create(seat=row["verwaltungsgericht"])
        _fill_blank(court, courts.get(court.seat, {}), COURT_FILLED_FIELDS)
        body, _created = Municipality.objects.update_or_create(
            ags=row["ags"],
            defaults={
                "name": row["name"],
                "kind": KIND_BY_LABEL[row["kind"]],
                "regierungsbezirk": row["regierungsbezirk"],
                "seat": row["seat"],
                "recipient_body": row["recipient_body"],
                "administrative_court": court,
            },
            # The note is editable in the admin; the list only fills it when a body is new.
            create_defaults={
                "name": row["name"], "kind": KIND_BY_LABEL[row["kind"]],
                "regierungsbezirk": row["regierungsbezirk"], "seat": row["seat"],
                "recipient_body": row["recipient_body"], "administrative_court": court, "note": row["note"],
            },
        )
        _fill_blank(body, row, BODY_FILLED_FIELDS)
    return len(rows)
