"""Reading the list of eligible bodies from the CSV kept in the repository."""

import csv
from pathlib import Path

from django.utils.translation import gettext as _

CSV_PATH = Path(__file__).resolve().parent / "data" / "hessen-gebietskoerperschaften.csv"

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


def load_bodies(Municipality, AdministrativeCourt, path: Path = CSV_PATH) -> int:
    """Create or update every body from the CSV, keyed by AGS; postal addresses are kept."""
    rows = read_bodies(path)
    for row in rows:
        court, _created = AdministrativeCourt.objects.get_or_create(seat=row["verwaltungsgericht"])
        Municipality.objects.update_or_create(
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
    return len(rows)
